//! Tampered, truncated, extended, forged and swapped cookies are never accepted.
//!
//! Over the fixture app: every hostile variation of a real session or remember cookie is
//! anonymous and never a 5xx under each session protection mode (Flask-Login §2.5 item 59), a
//! cookie signed for one purpose does not work as the other, and a cookie signed with another key
//! is refused.
//!
//! Property tests over the quickstart: real session and remember cookies (from `test_login` and
//! from a real `POST /login`) are mutated at random: bit flips, byte substitutions, insertions,
//! removals, truncations and extensions. A request carrying a mutated cookie to a handler taking
//! `MaybeUser<User>` must be anonymous unless the server saw exactly the original value (the
//! cookie parser trims and percent-decodes, so a few mutations are no-ops; the handler echoes
//! what it saw, and that is the oracle). No mutation may cause a 5xx. Cookies signed by a manager
//! with another key are never accepted. Case counts are bounded so the module runs in seconds in
//! debug builds.
// Test names read `<flask-login test>__flask_<section>_item_<n>` so the parity table can cite them.
#![allow(non_snake_case)]
// Test helpers may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, COOKIE, HeaderValue};
use actix_web::test::{TestRequest, call_service, init_service, read_body};
use actix_web::{App, HttpRequest, HttpResponse, web};
use login_runtime::{LoginManager, MaybeUser, SessionProtection};
use login_tests::{Store, TestUser, builder, client, cookie_header};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use crate::quickstart::{self, User};

// ---- Over the fixture app ------------------------------------------------------------------

/// Cookie values every decoder must survive.
fn hostile_values(valid: &str) -> Vec<String> {
    let (payload, tag) = valid.split_once('.').unwrap();
    let mut flipped = valid.as_bytes().to_vec();
    flipped[1] ^= 1;
    vec![
        String::new(),
        "garbage".into(),
        ".".into(),
        "a.b".into(),
        "AAAA.AAAA".into(),
        "%FF%FE.%00".into(),
        "\u{1F600}.x".into(),
        valid[..valid.len() / 2].into(),
        valid[..valid.len() - 1].into(),
        String::from_utf8_lossy(&flipped).into_owned(),
        format!("{payload}.{}", &tag[..tag.len() - 2]),
        format!("{payload}{payload}.{tag}"),
        format!("{tag}.{payload}"),
        format!("{valid}.{valid}"),
        "A".repeat(5000),
        format!("{payload}.{}", "A".repeat(8000)),
        "x".repeat(64 * 1024),
    ]
}

fn managers() -> Vec<LoginManager<TestUser>> {
    [
        SessionProtection::Off,
        SessionProtection::Basic,
        SessionProtection::Strong,
    ]
    .into_iter()
    .map(|m| {
        builder()
            .login_view("/login")
            .session_protection(m)
            .build()
            .unwrap()
    })
    .collect()
}

#[actix_rt::test]
async fn test_hostile_session_and_remember_cookies_are_anonymous__flask_2_5_item_59() {
    for manager in managers() {
        let store = Store::new();
        let mut c = client!(manager.clone(), store);
        c.get("/login/notch?remember=true").await;
        let session = c.cookie("session").unwrap();
        let remember = c.cookie("remember_token").unwrap();
        let values: Vec<String> = hostile_values(&session)
            .into_iter()
            .chain(hostile_values(&remember))
            .collect();
        for value in &values {
            for name in ["session", "remember_token"] {
                for uri in [
                    "/username",
                    "/secret",
                    "/fresh",
                    "/state",
                    "/logout",
                    "/api/secret",
                ] {
                    let req = TestRequest::get()
                        .uri(uri)
                        .insert_header((COOKIE, cookie_header(&[(name, value)])));
                    let r = c.send_raw(req).await;
                    assert!(
                        r.status.as_u16() < 500,
                        "{uri} with {name}={value:.40}: {}",
                        r.status
                    );
                    if uri == "/username" {
                        assert_eq!(r.body, "Anonymous", "{name}={value:.40}");
                    }
                }
            }
        }
    }
}

#[actix_rt::test]
async fn test_cookie_of_one_purpose_is_not_accepted_as_the_other() {
    let store = Store::new();
    let mut c = client!(builder().build().unwrap(), store);
    c.get("/login/notch?remember=true").await;
    let session = c.cookie("session").unwrap();
    let remember = c.cookie("remember_token").unwrap();
    let swapped = [
        ("session", remember.as_str()),
        ("remember_token", session.as_str()),
    ];
    let r = c
        .send_raw(
            TestRequest::get()
                .uri("/username")
                .insert_header((COOKIE, cookie_header(&swapped))),
        )
        .await;
    assert_eq!(r.body, "Anonymous");
}

#[actix_rt::test]
async fn test_cookie_signed_with_another_key_is_refused() {
    let store = Store::new();
    let other = LoginManager::<TestUser>::builder("another key, also long enough for the check")
        .build()
        .unwrap();
    let notch = store.get("notch");
    let forged = other.test_login(&notch);
    let mut c = client!(builder().build().unwrap(), store);
    c.set_cookie("session", forged.session_cookie().value());
    assert_eq!(c.get("/username").await.body, "Anonymous");
    c.delete_cookie("session");
    c.set_cookie(
        "remember_token",
        forged.remember_cookie(std::time::Duration::from_secs(60)).value(),
    );
    assert_eq!(c.get("/username").await.body, "Anonymous");
}

// ---- Property tests over the quickstart ----------------------------------------------------

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
