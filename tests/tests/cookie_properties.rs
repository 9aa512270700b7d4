//! Property tests: tampered, truncated, extended and foreign cookies are never accepted.
//!
//! Real session and remember cookies (from `test_login` and from a real `POST /login`) are
//! mutated at random: bit flips, byte substitutions, insertions, removals, truncations and
//! extensions. A request carrying a mutated cookie to a handler taking `MaybeUser<User>` must be
//! anonymous unless the server saw exactly the original value (the cookie parser trims and
//! percent-decodes, so a few mutations are no-ops; the handler echoes what it saw, and that is
//! the oracle). No mutation may cause a 5xx. Cookies signed by a manager with another key are
//! never accepted. Case counts are bounded so the file runs in seconds in debug builds.

use std::time::Duration;

use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::test::{TestRequest, call_service, init_service, read_body};
use actix_web::{App, HttpRequest, HttpResponse, web};
use login_runtime::{LoginManager, MaybeUser};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

#[allow(unreachable_pub, dead_code)]
#[path = "../../examples/quickstart.rs"]
mod quickstart;

use quickstart::User;

const KEY: &str = "cookie-properties-primary-key-0123456789";
const OTHER_KEY: &str = "cookie-properties-unknown-key-9876543210";

fn manager_with(key: &str, fallbacks: &[&str]) -> LoginManager<User> {
    let settings = quickstart::Settings::from_vars(|name| {
        Ok(match name {
            "SECRET_KEY" => Some(key.to_owned()),
            "SECRET_KEY_FALLBACKS" => Some(fallbacks.join(",")),
            _ => None,
        })
    })
    .expect("valid settings");
    quickstart::manager(&settings).expect("valid manager")
}

/// Who the request is, and the cookie values the server saw.
#[derive(Debug, serde::Deserialize)]
struct Seen {
    user: Option<String>,
    session: Option<String>,
    remember: Option<String>,
}

/// The value the client sent for cookie `name`, read as RFC 6265 says a server reads a
/// `Cookie` header: pairs split on `;`, name and value trimmed, a quoted value unquoted, the
/// first pair of a name wins. Bytes, not text: a non-UTF-8 byte elsewhere in the header does
/// not hide a cookie (actix's own `req.cookie` gives up on the whole header then).
fn sent_cookie(req: &HttpRequest, name: &str) -> Option<String> {
    req.headers()
        .get_all(header::COOKIE)
        .flat_map(|h| h.as_bytes().split(|&b| b == b';'))
        .filter_map(|pair| {
            let eq = pair.iter().position(|&b| b == b'=')?;
            Some((pair[..eq].trim_ascii(), pair[eq + 1..].trim_ascii()))
        })
        .find(|(n, _)| *n == name.as_bytes())
        .map(|(_, v)| {
            let v = v
                .strip_prefix(b"\"")
                .and_then(|v| v.strip_suffix(b"\""))
                .unwrap_or(v);
            String::from_utf8_lossy(v).into_owned()
        })
}

async fn whoami(req: HttpRequest, user: MaybeUser<User>) -> HttpResponse {
    let seen = |name: &str| sent_cookie(&req, name);
    HttpResponse::Ok().json(serde_json::json!({
        "user": user.get().map(|u| u.id.clone()),
        "session": seen("session"),
        "remember": seen("remember_token"),
    }))
}

/// One random change to a cookie value.
#[derive(Clone, Debug)]
enum Edit {
    Flip { at: usize, bit: u8 },
    Set { at: usize, byte: u8 },
    Insert { at: usize, byte: u8 },
    Remove { at: usize },
    Truncate { at: usize },
    Extend(Vec<u8>),
}

fn interesting_byte() -> impl Strategy<Value = u8> {
    prop_oneof![
        any::<u8>(),
        proptest::sample::select(b"AQgw_-.=%\"; +/09az".to_vec()),
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), 0u8..8).prop_map(|(at, bit)| Edit::Flip { at, bit }),
        (any::<usize>(), interesting_byte()).prop_map(|(at, byte)| Edit::Set { at, byte }),
        (any::<usize>(), interesting_byte()).prop_map(|(at, byte)| Edit::Insert { at, byte }),
        any::<usize>().prop_map(|at| Edit::Remove { at }),
        any::<usize>().prop_map(|at| Edit::Truncate { at }),
        proptest::collection::vec(interesting_byte(), 1..48).prop_map(Edit::Extend),
    ]
}

fn apply(value: &[u8], edits: &[Edit]) -> Vec<u8> {
    let mut v = value.to_vec();
    for e in edits {
        let len = v.len().max(1);
        match e {
            Edit::Flip { at, bit } if !v.is_empty() => v[at % len] ^= 1 << bit,
            Edit::Set { at, byte } if !v.is_empty() => v[at % len] = *byte,
            Edit::Insert { at, byte } => v.insert(at % (v.len() + 1), *byte),
            Edit::Remove { at } if !v.is_empty() => {
                v.remove(at % len);
            }
            Edit::Truncate { at } => v.truncate(at % len),
            Edit::Extend(tail) => v.extend_from_slice(tail),
            _ => {}
        }
    }
    v
}

/// The real cookies of the user `leafstorm` and `佐藤`: from `test_login` and from a real login
/// through `POST /login` with "remember me" on. Returns `(cookie name, value)` pairs.
async fn real_cookies<S, B>(manager: &LoginManager<User>, app: &S) -> Vec<(String, String)>
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let mut out = Vec::new();
    for user in &quickstart::USERS[..2] {
        let login = manager.test_login(user);
        for c in [
            login.session_cookie(),
            login.fresh(false).session_cookie(),
            manager
                .test_login(user)
                .remember_cookie(Duration::from_secs(3600)),
        ] {
            out.push((c.name().to_owned(), c.value().to_owned()));
        }
        let mut body = String::from("remember=on&password=secret&email=");
        body.extend(form_urlencoded_bytes(user.id.as_bytes()));
        let req = TestRequest::post()
            .uri("/login")
            .insert_header((header::CONTENT_TYPE, "application/x-www-form-urlencoded"))
            .set_payload(body)
            .to_request();
        let res = call_service(app, req).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "the real login must succeed");
        let set: Vec<Cookie<'static>> = res.response().cookies().map(|c| c.into_owned()).collect();
        assert_eq!(set.len(), 2, "a remembered login sets two cookies: {set:?}");
        for c in set {
            out.push((c.name().to_owned(), c.value().to_owned()));
        }
    }
    out
}

fn form_urlencoded_bytes(bytes: &[u8]) -> impl Iterator<Item = String> + '_ {
    bytes.iter().map(|b| format!("%{b:02X}"))
}

/// Sends `name=value` as the only cookie to `/whoami`. `None` when the bytes cannot be a header
/// value at all (a client could not send them either).
async fn ask<S, B>(app: &S, name: &str, value: &[u8]) -> Option<(StatusCode, Option<Seen>, Vec<String>)>
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let mut raw = format!("{name}=").into_bytes();
    raw.extend_from_slice(value);
    let header = HeaderValue::from_bytes(&raw).ok()?;
    let req = TestRequest::get()
        .uri("/whoami")
        .insert_header((header::COOKIE, header))
        .to_request();
    let res = call_service(app, req).await;
    let status = res.status();
    let set_cookies = res
        .headers()
        .get_all(header::SET_COOKIE)
        .filter_map(|v| v.to_str().ok().map(str::to_owned))
        .collect();
    let body = read_body(res).await;
    Some((status, serde_json::from_slice(&body).ok(), set_cookies))
}

fn runner(cases: u32) -> TestRunner {
    TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    })
}

#[test]
fn mutated_cookies_are_never_accepted() {
    let system = actix_rt::System::new();
    let manager = manager_with(KEY, &[]);
    let app = system.block_on(init_service(
        App::new()
            .wrap(manager.clone())
            .configure(quickstart::routes)
            .route("/whoami", web::get().to(whoami)),
    ));
    let cookies = system.block_on(real_cookies(&manager, &app));

    // The oracle can fail: every unmodified cookie logs its user in.
    for (name, value) in &cookies {
        let (status, seen, _) = system
            .block_on(ask(&app, name, value.as_bytes()))
            .expect("a real cookie is a valid header");
        assert_eq!(status, StatusCode::OK);
        let seen = seen.expect("a JSON answer");
        assert!(
            seen.user.is_some(),
            "the unmodified {name} cookie must log in: {seen:?}"
        );
    }

    let strategy = (0..cookies.len(), proptest::collection::vec(edit(), 1..5));
    runner(384)
        .run(&strategy, |(which, edits)| {
            let (name, original) = &cookies[which];
            let mutated = apply(original.as_bytes(), &edits);
            let Some((status, seen, set_cookies)) = system.block_on(ask(&app, name, &mutated)) else {
                return Ok(());
            };
            prop_assert!(
                !status.is_server_error(),
                "{status} for {:?}",
                String::from_utf8_lossy(&mutated)
            );
            prop_assert_eq!(status, StatusCode::OK);
            let seen = seen.expect("a JSON answer");
            let as_seen = if name == "session" {
                &seen.session
            } else {
                &seen.remember
            };
            if as_seen.as_deref() != Some(original.as_str()) {
                prop_assert_eq!(
                    &seen.user,
                    &None,
                    "{} accepted after mutation to {:?}",
                    name,
                    String::from_utf8_lossy(&mutated)
                );
                if name == "remember_token" && as_seen.is_some() {
                    prop_assert!(
                        set_cookies
                            .iter()
                            .any(|c| c.starts_with("remember_token=;") && c.contains("Max-Age=0")),
                        "a tampered remember cookie must be deleted: {:?}",
                        set_cookies
                    );
                }
            }
            Ok(())
        })
        .expect("no mutated cookie is accepted");
}

#[test]
fn cookies_signed_with_an_unknown_key_are_never_accepted() {
    let system = actix_rt::System::new();
    let manager = manager_with(KEY, &[]);
    let rotated = manager_with(KEY, &[OTHER_KEY]);
    let foreign = manager_with(OTHER_KEY, &[]);
    let app = system.block_on(init_service(
        App::new().wrap(manager).route("/whoami", web::get().to(whoami)),
    ));
    let rotated_app = system.block_on(init_service(
        App::new().wrap(rotated).route("/whoami", web::get().to(whoami)),
    ));

    let strategy = (0..2usize, any::<bool>(), any::<bool>(), 1u64..10_000_000);
    runner(192)
        .run(&strategy, |(who, fresh, remember, lifetime)| {
            let user = &quickstart::USERS[who];
            let login = foreign.test_login(user).fresh(fresh);
            let cookie = if remember {
                login.remember_cookie(Duration::from_secs(lifetime))
            } else {
                login.session_cookie()
            };
            let (status, seen, _) = system
                .block_on(ask(&app, cookie.name(), cookie.value().as_bytes()))
                .expect("a signed cookie is a valid header");
            prop_assert_eq!(status, StatusCode::OK);
            let seen = seen.expect("a JSON answer");
            prop_assert_eq!(
                &seen.user,
                &None,
                "a foreign {} cookie was accepted",
                cookie.name()
            );
            // The same cookie is accepted once its key is a fallback: the key is what decides.
            let (status, seen, _) = system
                .block_on(ask(&rotated_app, cookie.name(), cookie.value().as_bytes()))
                .expect("a signed cookie is a valid header");
            prop_assert_eq!(status, StatusCode::OK);
            let seen = seen.expect("a JSON answer");
            prop_assert_eq!(seen.user.as_ref(), Some(&user.id));
            Ok(())
        })
        .expect("no foreign cookie is accepted");
}

#[test]
fn a_cookie_never_works_under_the_other_cookie_name() {
    let system = actix_rt::System::new();
    let manager = manager_with(KEY, &[]);
    let app = system.block_on(init_service(
        App::new()
            .wrap(manager.clone())
            .configure(quickstart::routes)
            .route("/whoami", web::get().to(whoami)),
    ));
    let cookies = system.block_on(real_cookies(&manager, &app));
    for (name, value) in &cookies {
        let other = if name == "session" {
            "remember_token"
        } else {
            "session"
        };
        let (status, seen, _) = system
            .block_on(ask(&app, other, value.as_bytes()))
            .expect("a real cookie is a valid header");
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            seen.expect("a JSON answer").user,
            None,
            "a {name} cookie worked as {other}"
        );
    }
}

#[test]
fn random_cookie_values_are_anonymous_and_never_5xx() {
    let system = actix_rt::System::new();
    let app = system.block_on(init_service(
        App::new()
            .wrap(manager_with(KEY, &[]))
            .route("/whoami", web::get().to(whoami)),
    ));
    let strategy = (
        proptest::sample::select(vec!["session", "remember_token"]),
        prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..256),
            // Shaped like a real cookie: base64url, a dot, base64url.
            ("[A-Za-z0-9_-]{0,120}", "[A-Za-z0-9_-]{0,60}")
                .prop_map(|(p, t)| format!("{p}.{t}").into_bytes()),
        ],
    );
    runner(256)
        .run(&strategy, |(name, value)| {
            if let Some((status, seen, _)) = system.block_on(ask(&app, name, &value)) {
                prop_assert_eq!(status, StatusCode::OK);
                prop_assert_eq!(seen.expect("a JSON answer").user, None);
            }
            Ok(())
        })
        .expect("no random cookie is accepted");
}
