//! The checks behind the fuzz targets, shared by the libFuzzer builds (`cargo fuzz run`) and the
//! plain replay binaries that build on stable Rust.
//!
//! Each check takes the raw fuzz input and panics when an invariant is broken; a panic is what
//! libFuzzer reports as a crash.

use std::cell::RefCell;
use std::path::Path;
use std::time::{Duration, Instant};

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::test::{TestRequest, call_service, init_service, read_body};
use actix_web::{App, HttpResponse, web};
use login_runtime::{LoginManager, MaybeUser, UserMixin, is_safe_next, login_url, user_loader};

/// The hosts the `safe_next` target allows besides the site itself.
pub const ALLOWED_HOSTS: &[&str] = &["app.example", "localhost:8080"];

/// The signing key of the `session_cookie` target.
const KEY: &str = "login-fuzz-session-cookie-key-0123456789";

/// The fuzzed application's user.
#[derive(Clone, UserMixin)]
pub struct User {
    id: String,
    #[user(auth_hash)]
    password: String,
}

#[user_loader]
async fn load_user(id: String) -> Option<User> {
    (id == "alice" || id == "bob").then(|| User {
        id,
        password: "hash-v1".to_owned(),
    })
}

fn manager() -> LoginManager<User> {
    match LoginManager::<User>::builder(KEY).build() {
        Ok(m) => m,
        Err(e) => panic!("the fuzz manager must build: {e}"),
    }
}

async fn whoami(user: MaybeUser<User>) -> HttpResponse {
    HttpResponse::Ok().body(user.get().map_or_else(|| "-".to_owned(), |u| u.id.clone()))
}

thread_local! {
    static SYSTEM: RefCell<Option<actix_rt::SystemRunner>> = const { RefCell::new(None) };
}

/// Runs `fut` on this thread's actix system.
fn block_on<F: std::future::Future>(fut: F) -> F::Output {
    SYSTEM.with(|cell| {
        let mut slot = cell.borrow_mut();
        slot.get_or_insert_with(actix_rt::System::new).block_on(fut)
    })
}

/// Sends `cookie_header` to a handler taking `MaybeUser<User>`; returns the status and the user.
fn ask(cookie_header: HeaderValue) -> (StatusCode, String) {
    block_on(async move {
        let app = init_service(App::new().wrap(manager()).route("/", web::get().to(whoami))).await;
        let req = TestRequest::get()
            .uri("/")
            .insert_header((header::COOKIE, cookie_header))
            .to_request();
        let res = call_service(&app, req).await;
        let status = res.status();
        let body = read_body(res).await;
        (status, String::from_utf8_lossy(&body).into_owned())
    })
}

/// A real session cookie value of `alice`, signed with the target's key.
fn real_session_value() -> String {
    let user = User {
        id: "alice".to_owned(),
        password: "hash-v1".to_owned(),
    };
    manager().test_login(&user).session_cookie().value().to_owned()
}

/// Cookie decoding through the middleware. The first byte picks what the rest of the input is:
///
/// - `0`: the `session` cookie value;
/// - `1`: the `remember_token` cookie value;
/// - `2`: the whole `Cookie` header;
/// - `3`: bytes XORed, cyclically, into a real signed session cookie of `alice`.
///
/// Invariants: never a 5xx (never a panic); always anonymous, except in mode 3 when the XOR
/// leaves the real cookie unchanged.
pub fn session_cookie(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let (raw, may_log_in) = match mode % 4 {
        0 => ([b"session=", rest].concat(), false),
        1 => ([b"remember_token=", rest].concat(), false),
        2 => (rest.to_vec(), false),
        _ => {
            let real = real_session_value().into_bytes();
            let mut value = real.clone();
            if !rest.is_empty() {
                for (i, b) in value.iter_mut().enumerate() {
                    *b ^= rest[i % rest.len()];
                }
            }
            let unchanged = value == real;
            ([b"session=".as_slice(), &value].concat(), unchanged)
        }
    };
    let Ok(header) = HeaderValue::from_bytes(&raw) else {
        // Not a header a client could send.
        return;
    };
    let (status, user) = ask(header);
    assert!(
        status == StatusCode::OK,
        "status {status} for cookie header {:?}",
        String::from_utf8_lossy(&raw)
    );
    if may_log_in {
        assert_eq!(user, "alice", "the unmodified real cookie must log in");
    } else {
        assert_eq!(
            user,
            "-",
            "cookie header {:?} was accepted",
            String::from_utf8_lossy(&raw)
        );
    }
}

fn percent_decode_once(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let hex = |c: u8| (c as char).to_digit(16);
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

fn bad_byte(b: u8) -> bool {
    // Raw input only: a percent-encoded space is fine, a raw one is not.
    b.is_ascii_control() || b == b' ' || b == b'\\'
}

/// The scheme of `url` (`[A-Za-z][A-Za-z0-9+.-]*:`), lowercased, if it has one.
fn scheme(url: &str) -> Option<String> {
    let end = url.find(':')?;
    let s = &url[..end];
    let mut chars = s.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic() && chars.all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c)))
        .then(|| s.to_ascii_lowercase())
}

/// The safe-next check. Invariants on every accepted target:
///
/// - raw: ASCII only, no control character, space or backslash, no leading `@`;
/// - after each round of percent-decoding (until stable): no control character or backslash,
///   no leading whitespace, no leading `//`;
/// - a path whose dot segments normalise to `//host` is refused;
/// - a target with a scheme is `http`/`https`, has an authority without userinfo, and its host
///   (with port) is one of [`ALLOWED_HOSTS`], case-insensitively;
/// - anything else is a path: it has no `:` before its first `/`, `?` or `#`.
///
/// It also calls `login_url` with the input, which must not panic.
pub fn safe_next(data: &[u8]) {
    let Ok(url) = std::str::from_utf8(data) else {
        return;
    };
    let allowed: Vec<String> = ALLOWED_HOSTS.iter().map(|h| (*h).to_owned()).collect();
    let _ = login_url("/login", Some(url), "next", None);
    let _ = login_url(url, Some("/protected"), "next", Some("app.example"));
    if !is_safe_next(url, &allowed) {
        return;
    }
    assert!(url.is_ascii(), "non-ASCII accepted: {url:?}");
    assert!(
        !url.bytes().any(bad_byte),
        "raw control/space/backslash accepted: {url:?}"
    );
    assert!(!url.starts_with('@'), "leading userinfo accepted: {url:?}");
    check_decodings(url);
    match scheme(url) {
        Some(s) => {
            assert!(s == "http" || s == "https", "scheme {s:?} accepted: {url:?}");
            let after = &url[s.len() + 1..];
            let authority = after.strip_prefix("//");
            assert!(authority.is_some(), "http(s) without authority accepted: {url:?}");
            let authority = authority.unwrap_or_default();
            let host = &authority[..authority.find(['/', '?', '#']).unwrap_or(authority.len())];
            assert!(!host.contains('@'), "userinfo accepted: {url:?}");
            assert!(
                ALLOWED_HOSTS.iter().any(|h| h.eq_ignore_ascii_case(host)),
                "host {host:?} accepted: {url:?}"
            );
        }
        None => {
            let head_end = url.find(['/', '?', '#']).unwrap_or(url.len());
            assert!(
                !url[..head_end].contains(':'),
                "scheme-like path accepted: {url:?}"
            );
        }
    }
}

/// Decodes `url` repeatedly (a few rounds, as chained decoders would) and checks each form; then
/// checks that the dot segments of the final path do not normalise to `//`.
fn check_decodings(url: &str) {
    let mut s = url.to_owned();
    for _ in 0..4 {
        assert!(
            !s.starts_with("//") && !s.starts_with(char::is_whitespace),
            "decodes to a scheme-relative or padded form: {url:?}"
        );
        assert!(
            !s.chars().any(|c| c.is_control() || c == '\\'),
            "decodes to a control character or backslash: {url:?}"
        );
        let next = String::from_utf8_lossy(&percent_decode_once(&s)).into_owned();
        if next == s {
            break;
        }
        s = next;
    }
    let path = s.split(['?', '#']).next().unwrap_or_default();
    let mut segments: Vec<&str> = Vec::new();
    for seg in path.split('/').skip(1) {
        match seg {
            "." => {}
            ".." => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    assert!(
        !(url.starts_with('/') && segments.len() > 1 && segments[0].is_empty()),
        "dot segments normalise to `//`: {url:?}"
    );
}

/// Runs `check` on every file named on the command line (directories are walked one level
/// deep): the stable-Rust replacement for a libFuzzer run over a corpus. Prints the number of
/// inputs and the time taken.
pub fn replay(check: fn(&[u8])) {
    let started = Instant::now();
    let mut inputs = 0usize;
    for arg in std::env::args_os().skip(1) {
        let path = Path::new(&arg);
        let files: Vec<_> = if path.is_dir() {
            match std::fs::read_dir(path) {
                Ok(entries) => entries.filter_map(Result::ok).map(|e| e.path()).collect(),
                Err(e) => panic!("cannot read {}: {e}", path.display()),
            }
        } else {
            vec![path.to_path_buf()]
        };
        for file in files.iter().filter(|f| f.is_file()) {
            match std::fs::read(file) {
                Ok(data) => check(&data),
                Err(e) => panic!("cannot read {}: {e}", file.display()),
            }
            inputs += 1;
        }
    }
    let took: Duration = started.elapsed();
    println!("replayed {inputs} inputs in {took:?}: no invariant broken");
}
