//! Every line of the quickstart contract (summarised in the README), checked over actix test
//! requests against `examples/quickstart.rs` (the binary's `quickstart` module, see `main.rs`),
//! and against the built quickstart binary when there is one.

// Test helpers may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::time::Duration;

use crate::quickstart::{self, Settings, USERS};
use actix_web::cookie::SameSite;
use actix_web::http::header;
use actix_web::test::{self, TestRequest};
use base64::Engine as _;
use login_tests::{Client, Resp, is_removal};

const KEY: &str = "quickstart contract key: 32 bytes or more";

fn settings(vars: &[(&str, &str)]) -> Result<Settings, String> {
    let map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    Settings::from_vars(|name| Ok(map.get(name).cloned()))
}

/// A browser on the quickstart configured by `vars` (plus a fixed SECRET_KEY unless given).
macro_rules! quickstart {
    ($($k:expr => $v:expr),* $(,)?) => {{
        let mut vars: Vec<(&str, &str)> = vec![$(($k, $v)),*];
        if !vars.iter().any(|(k, _)| *k == "SECRET_KEY") {
            vars.push(("SECRET_KEY", KEY));
        }
        let settings = settings(&vars).unwrap();
        let manager = quickstart::manager(&settings).unwrap();
        Client::new(test::init_service(quickstart::app(manager)).await)
    }};
}

fn login_form(email: &str, password: &str, remember: bool, next: Option<&str>) -> TestRequest {
    let mut form = vec![("email", email), ("password", password)];
    if remember {
        form.push(("remember", "on"));
    }
    if let Some(next) = next {
        form.push(("next", next));
    }
    TestRequest::post().uri("/login").set_form(form)
}

fn basic(login: &str, password: &str) -> (header::HeaderName, String) {
    let token = base64::engine::general_purpose::STANDARD.encode(format!("{login}:{password}"));
    (header::AUTHORIZATION, format!("Basic {token}"))
}

fn is_redirect(r: &Resp) -> bool {
    r.status == 302 || r.status == 303
}

fn html_input<'a>(body: &'a str, name: &str) -> Option<&'a str> {
    body.split('<')
        .find(|tag| tag.starts_with("input") && tag.contains(&format!("name=\"{name}\"")))
}

// ---- Environment ---------------------------------------------------------------------------

#[test]
fn contract_env_defaults() {
    let s = settings(&[]).unwrap();
    assert_eq!(s.host, "127.0.0.1");
    assert_eq!(s.port, 8080);
    assert!(
        s.random_key,
        "no SECRET_KEY: a random key, with a warning in main"
    );
    assert!(s.secret_key.len() >= 32);
    assert!(s.fallback_keys.is_empty());
    assert_eq!(s.protection, login_runtime::SessionProtection::Basic);
    assert_eq!(s.remember_duration, Duration::from_secs(365 * 86_400));
    let s = settings(&[("HOST", "0.0.0.0"), ("PORT", "9000"), ("SECRET_KEY", KEY)]).unwrap();
    assert_eq!((s.host.as_str(), s.port, s.random_key), ("0.0.0.0", 9000, false));
    assert!(settings(&[("PORT", "http")]).unwrap_err().contains("PORT"));
}

#[test]
fn contract_env_session_store_values() {
    assert_eq!(settings(&[]).unwrap().store, quickstart::StoreChoice::Cookie);
    assert_eq!(
        settings(&[("SESSION_STORE", "memory")]).unwrap().store,
        quickstart::StoreChoice::Memory
    );
    assert_eq!(
        settings(&[("SESSION_STORE", "redis://127.0.0.1:6379/2")])
            .unwrap()
            .store,
        quickstart::StoreChoice::Redis("redis://127.0.0.1:6379/2".into())
    );
    for bad in ["postgres://x", "Memory2", "redis:/x"] {
        let err = settings(&[("SESSION_STORE", bad)]).unwrap_err();
        assert!(
            err.starts_with("SESSION_STORE") && err.contains("`memory`"),
            "{err}"
        );
    }
    let err = quickstart::manager(
        &settings(&[("SECRET_KEY", KEY), ("SESSION_STORE", "redis://h:notaport")]).unwrap(),
    )
    .unwrap_err();
    assert!(err.starts_with("SESSION_STORE"), "{err}");
}

#[actix_rt::test]
async fn contract_admin_needs_the_admin_permission() {
    let mut anonymous = quickstart!();
    let resp = anonymous.get("/admin").await;
    assert_eq!(resp.location(), Some("/login?next=%2Fadmin"));
    let api = anonymous.get("/api/admin").await;
    assert_eq!(api.status, 401);
    assert!(api.header("www-authenticate").is_some());
    let mut admin = quickstart!();
    admin.send(login_form("leafstorm", "secret", false, None)).await;
    let resp = admin.get("/admin").await;
    assert_eq!(resp.status, 200);
    assert!(resp.body.contains("Admin: leafstorm"));
    let api = admin.get("/api/admin").await;
    let json: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    assert_eq!(json, serde_json::json!({"id": "leafstorm", "admin": true}));
    let mut member = quickstart!();
    member.send(login_form("佐藤", "secret", false, None)).await;
    let resp = member.get("/admin").await;
    assert_eq!(resp.status, 403, "never a redirect to the login view");
    assert!(resp.header("content-type").unwrap().starts_with("text/html"));
    let api = member.get("/api/admin").await;
    assert_eq!(api.status, 403);
    let json: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    assert!(json["error"].is_string());
    let member_basic = TestRequest::get()
        .uri("/api/admin")
        .insert_header(basic("佐藤", "secret"));
    assert_eq!(
        anonymous.send(member_basic).await.status,
        403,
        "HTTP Basic, as /api/me"
    );
    let admin_basic = TestRequest::get()
        .uri("/api/admin")
        .insert_header(basic("leafstorm", "secret"));
    assert_eq!(anonymous.send(admin_basic).await.status, 200);
}

#[test]
fn contract_binary_starts_with_redis_unreachable_and_warns_once() {
    let Some(binary) = quickstart_binary() else { return };
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = std::process::Command::new(binary)
        .env("PORT", "0")
        .env("SECRET_KEY", KEY)
        .env("SESSION_STORE", format!("redis://127.0.0.1:{port}"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    std::io::BufRead::read_line(&mut stdout, &mut line).unwrap();
    assert!(line.contains("serving on http://127.0.0.1:"), "{line}");
    child.kill().unwrap();
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let warnings: Vec<&str> = stderr.lines().filter(|l| l.contains("Redis")).collect();
    assert_eq!(warnings.len(), 1, "{stderr}");
    assert!(warnings[0].contains("not reachable"), "{stderr}");
}

#[test]
fn contract_env_short_secret_key_is_a_clear_error() {
    let s = settings(&[("SECRET_KEY", "short")]).unwrap();
    let err = quickstart::manager(&s).unwrap_err();
    assert!(
        err.starts_with("SECRET_KEY") && err.contains("at least 32 bytes"),
        "{err}"
    );
    assert!(!err.contains('\n'), "one line: {err}");
    let s = settings(&[("SECRET_KEY", KEY), ("SECRET_KEY_FALLBACKS", "short")]).unwrap();
    assert!(
        quickstart::manager(&s)
            .unwrap_err()
            .starts_with("SECRET_KEY_FALLBACKS")
    );
}

#[test]
fn contract_env_session_protection_values() {
    for (v, mode) in [
        ("basic", login_runtime::SessionProtection::Basic),
        ("strong", login_runtime::SessionProtection::Strong),
        ("off", login_runtime::SessionProtection::Off),
    ] {
        assert_eq!(settings(&[("SESSION_PROTECTION", v)]).unwrap().protection, mode);
    }
    let err = settings(&[("SESSION_PROTECTION", "weird")]).unwrap_err();
    assert!(
        err.starts_with("SESSION_PROTECTION") && err.contains("weird"),
        "{err}"
    );
}

#[test]
fn contract_env_remember_cookie_duration_forms() {
    for (v, secs) in [("30s", 30), ("15m", 900), ("7h", 7 * 3600), ("30d", 30 * 86_400)] {
        let s = settings(&[("REMEMBER_COOKIE_DURATION", v)]).unwrap();
        assert_eq!(s.remember_duration, Duration::from_secs(secs), "{v}");
    }
    for bad in ["soon", "0d", "-1d", "1.5h", ""] {
        let err = settings(&[("REMEMBER_COOKIE_DURATION", bad)]).unwrap_err();
        assert!(err.starts_with("REMEMBER_COOKIE_DURATION"), "{bad:?}: {err}");
    }
}

#[test]
fn contract_users() {
    let users: Vec<(&str, bool)> = USERS.iter().map(|u| (u.id.as_str(), u.active)).collect();
    assert_eq!(
        users,
        vec![("leafstorm", true), ("佐藤", true), ("creeper", false)]
    );
    assert!(USERS.iter().all(|u| u.password == "secret"));
}

// ---- Routes --------------------------------------------------------------------------------

#[actix_rt::test]
async fn contract_index() {
    let mut c = quickstart!();
    let r = c.get("/").await;
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    assert!(r.body.contains("href=\"/login\""), "{}", r.body);
    assert!(!r.body.contains("Logged in as:"));
    c.send(login_form("leafstorm", "secret", false, None)).await;
    let r = c.get("/").await;
    assert_eq!(r.status, 200, "never redirects");
    assert!(r.body.contains("Logged in as: leafstorm"), "{}", r.body);
}

#[actix_rt::test]
async fn contract_login_form() {
    let mut c = quickstart!();
    let r = c.get("/login?next=%2Fprotected%3Fx%3D1").await;
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    assert!(r.body.contains("<form") && r.body.contains("method=\"post\""));
    assert!(html_input(&r.body, "email").is_some());
    assert!(html_input(&r.body, "password").is_some_and(|t| t.contains("type=\"password\"")));
    assert!(html_input(&r.body, "remember").is_some_and(|t| t.contains("type=\"checkbox\"")));
    let next = html_input(&r.body, "next").unwrap();
    assert!(
        next.contains("type=\"hidden\"") && next.contains("value=\"/protected?x=1\""),
        "{next}"
    );
    // The copied value is escaped, control characters included.
    let r = c.get("/login?next=%22%3E%3Cscript%3E").await;
    assert!(!r.body.contains("<script>"), "{}", r.body);
    let r = c.get("/login?next=%2Fa%00b").await;
    assert!(
        html_input(&r.body, "next").is_some_and(|t| t.contains("value=\"/a\u{FFFD}b\"")),
        "{}",
        r.body
    );
    // A repeated or malformed `next` still gets the form (the first `next` wins).
    let r = c.get("/login?next=%2Fa&next=%2Fb").await;
    assert_eq!(r.status, 200);
    assert!(
        html_input(&r.body, "next").unwrap().contains("value=\"/a\""),
        "{}",
        r.body
    );
    let r = c.get("/login?next=%zz&&=").await;
    assert_eq!(r.status, 200);
}

#[actix_rt::test]
async fn contract_post_login_good_credentials() {
    let mut c = quickstart!();
    let r = c
        .send(login_form("leafstorm", "secret", false, Some("/fresh")))
        .await;
    assert!(is_redirect(&r), "{}", r.status);
    assert_eq!(r.location(), Some("/fresh"));
    assert!(r.set_cookie("session").is_some());
    assert!(
        r.set_cookie("remember_token").is_none(),
        "not remembered without `remember`"
    );
    assert!(c.get("/protected").await.body.contains("Logged in as: leafstorm"));

    let mut c = quickstart!();
    let r = c.send(login_form("leafstorm", "secret", false, None)).await;
    assert_eq!(r.location(), Some("/protected"), "no next: /protected");
    for unsafe_next in [
        "//evil.com/",
        "https://evil.com/",
        "/\\evil.com",
        "javascript:alert(1)",
    ] {
        let mut c = quickstart!();
        let r = c
            .send(login_form("leafstorm", "secret", false, Some(unsafe_next)))
            .await;
        assert_eq!(r.location(), Some("/protected"), "{unsafe_next}");
    }
}

#[actix_rt::test]
async fn contract_post_login_remember() {
    let mut c = quickstart!("REMEMBER_COOKIE_DURATION" => "7h");
    let r = c.send(login_form("leafstorm", "secret", true, None)).await;
    let remember = r.set_cookie("remember_token").expect("remembered");
    assert_eq!(remember.http_only(), Some(true));
    assert_eq!(remember.same_site(), Some(SameSite::Lax));
    assert_eq!(remember.path(), Some("/"));
    let max_age = remember.max_age().unwrap().whole_seconds();
    assert!(
        (max_age - 7 * 3600).abs() <= 10,
        "lifetime is REMEMBER_COOKIE_DURATION: {max_age}"
    );
    assert!(remember.expires_datetime().is_some());
    let session = r.set_cookie("session").unwrap();
    assert_eq!(session.http_only(), Some(true));
    assert_eq!(session.same_site(), Some(SameSite::Lax));
    assert_eq!(session.path(), Some("/"));
}

#[actix_rt::test]
async fn contract_post_login_refusals_never_log_in() {
    let cases = [
        login_form("leafstorm", "wrong", false, None),
        login_form("nobody", "secret", false, None),
        login_form("creeper", "secret", true, None),
        login_form("", "", false, None),
        TestRequest::post()
            .uri("/login")
            .set_form([("email", "leafstorm")]),
        TestRequest::post().uri("/login").set_payload("%%%&&&==="),
        TestRequest::post()
            .uri("/login")
            .insert_header((header::CONTENT_TYPE, "application/x-www-form-urlencoded"))
            .set_payload(vec![0xff, 0xfe, 0x00, 0x80]),
        TestRequest::post()
            .uri("/login")
            .set_json(serde_json::json!({"email": "leafstorm"})),
        TestRequest::post()
            .uri("/login")
            .insert_header((header::CONTENT_TYPE, "application/x-www-form-urlencoded"))
            .set_payload(format!("email=leafstorm&password={}", "x".repeat(300_000))),
    ];
    for (i, req) in cases.into_iter().enumerate() {
        let mut c = quickstart!();
        let r = c.send(req).await;
        let back_to_login = is_redirect(&r) && r.location().is_some_and(|l| l.starts_with("/login"));
        assert!(
            r.status.is_client_error() || back_to_login,
            "case {i}: {}",
            r.status
        );
        assert!(
            r.set_cookie("session").is_none() && r.set_cookie("remember_token").is_none(),
            "case {i}"
        );
        assert_eq!(c.get("/protected").await.status, 302, "case {i}: still anonymous");
    }
}

#[actix_rt::test]
async fn contract_protected() {
    let mut c = quickstart!();
    let r = c.get("/protected").await;
    assert_eq!(r.status, 302);
    assert_eq!(r.location(), Some("/login?next=%2Fprotected"));
    assert_eq!(
        c.get("/protected?tab=2&x=y").await.location(),
        Some("/login?next=%2Fprotected%3Ftab%3D2%26x%3Dy")
    );
    c.send(login_form("leafstorm", "secret", false, None)).await;
    let r = c.get("/protected").await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Logged in as: leafstorm"));
}

#[actix_rt::test]
async fn contract_fresh() {
    let mut c = quickstart!();
    assert_eq!(c.get("/fresh").await.location(), Some("/login?next=%2Ffresh"));
    c.send(login_form("leafstorm", "secret", true, None)).await;
    let r = c.get("/fresh").await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Fresh login: leafstorm"));
    // Restored from the remember cookie: not fresh.
    c.restart_browser();
    let r = c.get("/fresh").await;
    assert_eq!(r.status, 302);
    assert_eq!(r.location(), Some("/reauth?next=%2Ffresh"));
}

#[actix_rt::test]
async fn contract_fresh_after_basic_protection_demotes() {
    let mut c = quickstart!("SESSION_PROTECTION" => "basic");
    c.send(login_form("leafstorm", "secret", false, None)).await;
    c.user_agent = "another browser".into();
    assert_eq!(c.get("/fresh").await.location(), Some("/reauth?next=%2Ffresh"));
    assert_eq!(c.get("/protected").await.status, 200, "still logged in");
}

#[actix_rt::test]
async fn contract_reauth() {
    let mut c = quickstart!();
    assert_eq!(c.get("/reauth").await.location(), Some("/login?next=%2Freauth"));
    let r = c
        .send(
            TestRequest::post()
                .uri("/reauth")
                .set_form([("password", "secret")]),
        )
        .await;
    assert_eq!(r.status, 302, "POST /reauth is login_required too");
    c.send(login_form("leafstorm", "secret", true, None)).await;
    c.restart_browser();
    let r = c.get("/reauth?next=%2Ffresh").await;
    assert_eq!(r.status, 200);
    assert!(html_input(&r.body, "password").is_some());
    assert!(
        html_input(&r.body, "next")
            .is_some_and(|t| t.contains("type=\"hidden\"") && t.contains("value=\"/fresh\""))
    );
    let r = c.get("/reauth?next=%2Ffresh&next=%2Fother").await;
    assert_eq!(r.status, 200, "a repeated `next` still gets the form");
    assert!(html_input(&r.body, "next").unwrap().contains("value=\"/fresh\""));
    // Wrong password: no change.
    let r = c
        .send(
            TestRequest::post()
                .uri("/reauth")
                .set_form([("password", "wrong"), ("next", "/fresh")]),
        )
        .await;
    assert!(
        r.status.is_client_error() || r.location().is_some_and(|l| l.starts_with("/reauth")),
        "{}",
        r.status
    );
    assert_eq!(c.get("/fresh").await.status, 302);
    // Garbage form: 4xx, never 5xx.
    let r = c
        .send(TestRequest::post().uri("/reauth").set_payload("\u{0}\u{1}"))
        .await;
    assert!(r.status.is_client_error(), "{}", r.status);
    // Right password: fresh again, redirected to the safe next.
    let r = c
        .send(
            TestRequest::post()
                .uri("/reauth")
                .set_form([("password", "secret"), ("next", "/fresh")]),
        )
        .await;
    assert!(is_redirect(&r));
    assert_eq!(r.location(), Some("/fresh"));
    assert!(c.get("/fresh").await.body.contains("Fresh login: leafstorm"));
    // An unsafe next falls back to /protected.
    let r = c
        .send(
            TestRequest::post()
                .uri("/reauth")
                .set_form([("password", "secret"), ("next", "//evil.com")]),
        )
        .await;
    assert_eq!(r.location(), Some("/protected"));
}

#[actix_rt::test]
async fn contract_logout() {
    let mut c = quickstart!();
    c.send(login_form("leafstorm", "secret", true, None)).await;
    let set = c.get("/").await;
    assert!(set.set_cookies().is_empty());
    let r = c.get("/logout").await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Logged out"));
    let deleted = r
        .set_cookie("remember_token")
        .expect("the remember cookie is deleted");
    assert!(is_removal(&deleted));
    assert!(r.raw_set_cookie("remember_token").unwrap().contains("Max-Age=0"));
    assert_eq!(deleted.path(), Some("/"));
    assert_eq!(deleted.same_site(), Some(SameSite::Lax));
    assert_eq!(deleted.http_only(), Some(true));
    assert_eq!(
        deleted.secure(),
        None,
        "the same Secure attribute as when set (off on loopback)"
    );
    assert_eq!(deleted.domain(), None);
    c.restart_browser();
    assert_eq!(c.get("/protected").await.status, 302);
    // Logging out while anonymous is fine too.
    assert_eq!(c.get("/logout").await.status, 200);
}

#[actix_rt::test]
async fn contract_api_me() {
    let mut c = quickstart!();
    // Anonymous: JSON 401 with the Basic challenge, never a redirect.
    let r = c.get("/api/me").await;
    assert_eq!(r.status, 401);
    assert_eq!(r.location(), None);
    assert!(r.header("content-type").unwrap().starts_with("application/json"));
    assert_eq!(r.header("www-authenticate"), Some(r#"Basic realm="quickstart""#));
    let json: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert!(json.get("error").is_some(), "{}", r.body);
    // Bad credentials, an inactive user, or garbage: the same 401.
    for auth in [
        basic("leafstorm", "wrong").1,
        basic("creeper", "secret").1,
        basic("nobody", "x").1,
        "Basic !!!".to_owned(),
        "Bearer abc".to_owned(),
        "Basic".to_owned(),
    ] {
        let r = c
            .send(
                TestRequest::get()
                    .uri("/api/me")
                    .insert_header((header::AUTHORIZATION, auth.clone())),
            )
            .await;
        assert_eq!(r.status, 401, "{auth}");
        assert_eq!(r.header("www-authenticate"), Some(r#"Basic realm="quickstart""#));
    }
    // HTTP Basic: 200, and no cookies.
    for (login, id) in [("leafstorm", "leafstorm"), ("佐藤", "佐藤")] {
        let r = c
            .send(
                TestRequest::get()
                    .uri("/api/me")
                    .insert_header(basic(login, "secret")),
            )
            .await;
        assert_eq!(r.status, 200);
        assert!(r.header("content-type").unwrap().starts_with("application/json"));
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&r.body).unwrap(),
            serde_json::json!({"id": id})
        );
        assert!(r.set_cookie("session").is_none() && r.set_cookie("remember_token").is_none());
    }
    // From the session.
    c.send(login_form("leafstorm", "secret", false, None)).await;
    let r = c.get("/api/me").await;
    assert_eq!(r.status, 200);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&r.body).unwrap()["id"],
        "leafstorm"
    );
}

#[actix_rt::test]
async fn contract_invalid_remember_cookie_does_not_block_basic() {
    let mut c = quickstart!();
    c.set_cookie("remember_token", "not-a-token");
    let r = c
        .send(
            TestRequest::get()
                .uri("/api/me")
                .insert_header(basic("leafstorm", "secret")),
        )
        .await;
    assert_eq!(r.status, 200);
    assert!(r.set_cookie("session").is_none(), "{:?}", r.set_cookies());
}

// ---- Behaviour the routes show ---------------------------------------------------------------

#[actix_rt::test]
async fn contract_strong_protection_logs_out_on_user_agent_change() {
    let mut c = quickstart!("SESSION_PROTECTION" => "strong");
    c.send(login_form("leafstorm", "secret", true, None)).await;
    assert_eq!(c.get("/protected").await.status, 200);
    c.user_agent = "another browser".into();
    let r = c.get("/protected").await;
    assert_eq!(r.status, 302);
    assert!(r.set_cookie("remember_token").is_some_and(|c| is_removal(&c)));
    c.restart_browser();
    assert_eq!(c.get("/protected").await.status, 302);
}

#[actix_rt::test]
async fn contract_neither_mode_logs_out_a_restored_client() {
    for mode in ["basic", "strong"] {
        let mut c = quickstart!("SESSION_PROTECTION" => mode);
        c.send(login_form("leafstorm", "secret", true, None)).await;
        c.restart_browser();
        let r = c.get("/protected").await;
        assert_eq!(r.status, 200, "{mode}: restored");
        let session = r
            .set_cookie("session")
            .expect("a new session cookie with the restore");
        assert!(!is_removal(&session));
        for _ in 0..3 {
            assert_eq!(c.get("/protected").await.status, 200, "{mode}: and stays");
        }
        assert_eq!(
            c.get("/fresh").await.location(),
            Some("/reauth?next=%2Ffresh"),
            "{mode}: not fresh"
        );
    }
}

#[actix_rt::test]
async fn contract_unicode_id_round_trips_through_every_cookie() {
    let mut c = quickstart!();
    c.send(login_form("佐藤", "secret", true, None)).await;
    assert!(c.get("/protected").await.body.contains("Logged in as: 佐藤"));
    c.restart_browser();
    assert!(c.get("/protected").await.body.contains("Logged in as: 佐藤"));
    assert!(c.get("/").await.body.contains("Logged in as: 佐藤"));
}

#[actix_rt::test]
async fn contract_user_switch_never_restores_the_first_user() {
    let mut c = quickstart!();
    c.send(login_form("leafstorm", "secret", true, None)).await;
    c.send(login_form("佐藤", "secret", false, None)).await;
    c.restart_browser();
    let r = c.get("/").await;
    assert!(!r.body.contains("leafstorm"), "{}", r.body);
}

#[actix_rt::test]
async fn contract_secret_key_fallbacks() {
    let old = "the previous secret key (32 bytes or more)";
    let mut before = quickstart!("SECRET_KEY" => old);
    before.send(login_form("leafstorm", "secret", true, None)).await;
    let session = before.cookie("session").unwrap();
    let remember = before.cookie("remember_token").unwrap();

    let mut rotated = quickstart!("SECRET_KEY" => KEY, "SECRET_KEY_FALLBACKS" => old);
    rotated.set_cookie("session", &session);
    assert_eq!(
        rotated.get("/protected").await.status,
        200,
        "session under a fallback key"
    );
    rotated.restart_browser();
    rotated.set_cookie("remember_token", &remember);
    assert_eq!(
        rotated.get("/protected").await.status,
        200,
        "remember cookie under a fallback key"
    );

    let mut unknown =
        quickstart!("SECRET_KEY" => KEY, "SECRET_KEY_FALLBACKS" => "yet another key that is 32 bytes long");
    unknown.set_cookie("session", &session);
    unknown.set_cookie("remember_token", &remember);
    let r = unknown.get("/protected").await;
    assert_eq!(r.status, 302, "a key in neither variable is refused");
}

#[actix_rt::test]
async fn contract_secret_key_rotation_keeps_the_client_fingerprint() {
    // The fingerprint is keyed from the secret. A login bound to its client before a rotation
    // must still be recognised after it: strong protection must not log it out, basic must
    // not demote it to non-fresh.
    let old = "the previous secret key (32 bytes or more)";
    for mode in ["strong", "basic"] {
        let mut before = quickstart!("SECRET_KEY" => old, "SESSION_PROTECTION" => mode);
        before.send(login_form("leafstorm", "secret", false, None)).await;
        let session = before.cookie("session").unwrap();

        let mut rotated = quickstart!(
            "SECRET_KEY" => KEY, "SECRET_KEY_FALLBACKS" => old, "SESSION_PROTECTION" => mode
        );
        rotated.set_cookie("session", &session);
        let r = rotated.get("/fresh").await;
        assert_eq!(
            r.status,
            200,
            "{mode}: still logged in and fresh, {:?}",
            r.location()
        );

        let mut other_client = quickstart!(
            "SECRET_KEY" => KEY, "SECRET_KEY_FALLBACKS" => old, "SESSION_PROTECTION" => mode
        );
        other_client.user_agent = "another browser".into();
        other_client.set_cookie("session", &session);
        assert_eq!(
            other_client.get("/fresh").await.status,
            302,
            "{mode}: another client is still caught"
        );
    }
}

#[actix_rt::test]
async fn contract_garbage_cookies_never_5xx() {
    let c = quickstart!();
    for value in ["", "garbage", "a.b", "%ff", &"A".repeat(5000)] {
        for name in ["session", "remember_token"] {
            for uri in [
                "/",
                "/login",
                "/protected",
                "/fresh",
                "/reauth",
                "/logout",
                "/api/me",
            ] {
                let req = TestRequest::get()
                    .uri(uri)
                    .insert_header((header::COOKIE, format!("{name}={value}")));
                let r = c.send_raw(req).await;
                assert!(r.status.as_u16() < 500, "{uri} {name}={value:.20}: {}", r.status);
            }
        }
    }
    let req = TestRequest::get().uri("/protected").insert_header((
        header::COOKIE,
        actix_web::http::header::HeaderValue::from_bytes(b"session=\xff\xfe").unwrap(),
    ));
    assert_eq!(c.send_raw(req).await.status, 302);
}

// ---- The real binary -----------------------------------------------------------------------

/// `target/debug/examples/quickstart`, if `cargo build --example quickstart` made it.
fn quickstart_binary() -> Option<std::path::PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let path = exe.parent()?.parent()?.join("examples").join("quickstart");
    path.exists().then_some(path)
}

#[test]
fn contract_binary_env_errors_are_one_line_and_no_panic() {
    let Some(bin) = quickstart_binary() else {
        eprintln!("skipped: build the quickstart example first (`cargo build --example quickstart`)");
        return;
    };
    for (var, value) in [
        ("SESSION_PROTECTION", "weird"),
        ("SECRET_KEY", "short"),
        ("REMEMBER_COOKIE_DURATION", "soon"),
        ("PORT", "http"),
    ] {
        let out = std::process::Command::new(&bin)
            .env_clear()
            .env("SECRET_KEY", KEY)
            .env(var, value)
            .env("PORT", if var == "PORT" { value } else { "1" })
            .output()
            .unwrap();
        assert!(!out.status.success(), "{var}={value}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.trim_end().lines().count(), 1, "{var}: {stderr}");
        assert!(
            stderr.contains(var) && !stderr.contains("panicked"),
            "{var}: {stderr}"
        );
    }
}

#[cfg(unix)]
#[test]
fn contract_binary_env_value_that_is_not_utf8_is_an_error_not_unset() {
    use std::os::unix::ffi::OsStrExt;
    let Some(bin) = quickstart_binary() else {
        eprintln!("skipped: build the quickstart example first (`cargo build --example quickstart`)");
        return;
    };
    // Read as "unset", a non-UTF-8 key would silently become a random one.
    for var in ["SECRET_KEY", "SESSION_PROTECTION", "PORT"] {
        let mut value = KEY.as_bytes().to_vec();
        value.push(0xff);
        let out = std::process::Command::new(&bin)
            .env_clear()
            .env("SECRET_KEY", KEY)
            .env("PORT", "1")
            .env(var, std::ffi::OsStr::from_bytes(&value))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{var}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.trim_end().lines().count(), 1, "{var}: {stderr}");
        assert!(
            stderr.contains(var) && stderr.contains("not valid UTF-8"),
            "{var}: {stderr}"
        );
    }
}

#[test]
fn contract_binary_serves_on_host_and_port() {
    use std::io::{BufRead, BufReader, Read, Write};
    let Some(bin) = quickstart_binary() else {
        eprintln!("skipped: build the quickstart example first (`cargo build --example quickstart`)");
        return;
    };
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = std::process::Command::new(&bin)
        .env_clear()
        .env("HOST", "127.0.0.1")
        .env("PORT", port.to_string())
        .env("SECRET_KEY", KEY)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let result = (|| {
        let mut line = String::new();
        BufReader::new(child.stdout.take()?).read_line(&mut line).ok()?;
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
        stream.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
        stream
            .write_all(b"GET /protected HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            .ok()?;
        let mut response = String::new();
        stream.read_to_string(&mut response).ok()?;
        Some((line, response))
    })();
    let _ = child.kill();
    let _ = child.wait();
    let (line, response) = result.expect("the quickstart answered");
    assert_eq!(
        line.trim(),
        format!("quickstart: serving on http://127.0.0.1:{port}/")
    );
    assert!(response.starts_with("HTTP/1.1 302"), "{response}");
    assert!(
        response
            .to_ascii_lowercase()
            .contains("location: /login?next=%2fprotected"),
        "{response}"
    );
}

#[test]
fn contract_binary_with_port_zero_prints_the_port_it_bound() {
    use std::io::{BufRead, BufReader};
    let Some(bin) = quickstart_binary() else {
        eprintln!("skipped: build the quickstart example first (`cargo build --example quickstart`)");
        return;
    };
    let mut child = std::process::Command::new(&bin)
        .env_clear()
        .env("PORT", "0")
        .env("SECRET_KEY", KEY)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    let read = BufReader::new(child.stdout.take().unwrap()).read_line(&mut line);
    let port = line
        .trim()
        .strip_prefix("quickstart: serving on http://127.0.0.1:")
        .and_then(|rest| rest.strip_suffix('/'))
        .and_then(|p| p.parse::<u16>().ok());
    let connected = port.is_some_and(|p| std::net::TcpStream::connect(("127.0.0.1", p)).is_ok());
    let _ = child.kill();
    let _ = child.wait();
    read.unwrap();
    assert!(port.is_some_and(|p| p != 0), "{line}");
    assert!(connected, "nothing listens on the printed port: {line}");
}
