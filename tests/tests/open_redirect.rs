//! Open-redirect attacks on the `next` check: only targets on this site, or `http(s)` URLs on an
//! allow-listed host, are ever followed.
//!
//! `is_safe_next` (and `LoginSession::safe_next`, which the quickstart's `POST /login` uses) must
//! accept only targets on this site, plus absolute `http(s)` URLs on an allow-listed host. The
//! corpus below is written against the ways browsers, proxies and URL parsers disagree about what
//! a URL means: scheme-relative and backslash forms, characters browsers strip, other schemes,
//! userinfo, percent-encoded and double-encoded forms, Unicode lookalikes, dot segments, ports,
//! IP literals and oversized input. Each payload is checked directly and over HTTP.
// Test names read `<flask-login test>__flask_<section>_item_<n>` so the parity table can cite them.
#![allow(non_snake_case)]

use actix_web::App;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::test::{TestRequest, call_service, init_service};
use login_runtime::{LoginManager, is_safe_next};

use crate::quickstart;

/// Targets that must never be accepted as `next`, whatever the allow-list (the allow-list used
/// with them names `localhost` and `app.example`, so userinfo and suffix tricks against those
/// hosts are covered too).
const BYPASSES: &[&str] = &[
    // Scheme-relative: the browser keeps the scheme and goes to another host.
    "//evil.example",
    "//evil.example/path?q=1",
    "///evil.example",
    "////evil.example",
    "//localhost@evil.example",
    "//evil.example:443/",
    "//app.example/",
    // Backslashes: browsers treat `\` as `/` in http(s) URLs.
    "/\\evil.example",
    "\\/evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "http:\\\\evil.example",
    "https:/\\evil.example",
    "http://localhost\\@evil.example",
    "/profile\\..\\..\\evil",
    // Control characters and whitespace, which browsers strip or fold, inside and around.
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "\t//evil.example",
    " //evil.example",
    "//evil.example ",
    "/profile\0",
    "\0//evil.example",
    "/\x0b/evil.example",
    "/\x0c/evil.example",
    "/x\x7f",
    "/\u{85}/evil.example",
    "/\u{a0}/evil.example",
    "/\u{2028}/evil.example",
    "/\u{3000}/evil.example",
    " /profile",
    "/profile ",
    "/profile\r\nSet-Cookie: session=attacker",
    // Invisible format characters (not whitespace, not control) around a scheme-relative URL.
    "\u{feff}//evil.example",
    "/\u{200b}/evil.example",
    // Other schemes, with case, whitespace and encoding tricks.
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "javascript://%0aalert(1)",
    "javascript://localhost/%0Aalert(document.cookie)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    " javascript:alert(1)",
    "\x01javascript:alert(1)",
    "javascript%3Aalert(1)",
    "%6A%61%76%61%73%63%72%69%70%74:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "DATA:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "VBScript:MsgBox(1)",
    "file:///etc/passwd",
    "ftp://evil.example/",
    "ftp://localhost/",
    "mailto:a@evil.example",
    "ws://localhost/",
    // http(s) with a missing or malformed authority.
    "http:evil.example",
    "https:evil.example",
    "http:/evil.example",
    "https:/evil.example",
    "http:///evil.example",
    "https://evil.example",
    "http://evil.example/",
    "HTTPS://EVIL.EXAMPLE/",
    // Userinfo, fragments and queries hiding the real host.
    "http://localhost@evil.example/",
    "http://localhost:80@evil.example/",
    "https://app.example@evil.example/",
    "https://user:pass@app.example/",
    "http://evil.example#@localhost",
    "http://evil.example?@localhost",
    "http://localhost.evil.example/",
    "http://evil.example/localhost",
    "http://evil.examplelocalhost/",
    "http://localhost%40evil.example/",
    "http://localhost%2F@evil.example",
    "http://evil.example%2F@localhost",
    "http://evil.example%23@localhost",
    // Ports and IP literals that are not on the allow-list.
    "http://localhost:8080/",
    "https://app.example:444/",
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://127.0.0.1/",
    "http://0x7f.1/",
    "http://2130706433/",
    // Internationalised hosts and lookalikes.
    "http://l\u{43e}calhost/",
    "http://\u{ff4c}\u{ff4f}\u{ff43}\u{ff41}\u{ff4c}\u{ff48}\u{ff4f}\u{ff53}\u{ff54}/",
    "http://xn--lcalhost-9qf/",
    "http://evil.example\u{3002}localhost/",
    "http://localhost./",
    // Percent-encoded slashes, backslashes and control characters.
    "%2F%2Fevil.example",
    "%2f%2fevil.example",
    "/%2Fevil.example",
    "/%2fevil.example",
    "/%5Cevil.example",
    "%5C%5Cevil.example",
    "/%09/evil.example",
    "%0A//evil.example",
    "/%00",
    "/profile%0D%0ASet-Cookie:%20session=attacker",
    // Double (and triple) encoding: a second decoder turns these into `//` or `\`.
    "%252F%252Fevil.example",
    "/%252Fevil.example",
    "/%255Cevil.example",
    "%25252F%25252Fevil.example",
    // Unicode lookalikes of `/` and `\`, raw and encoded.
    "\u{ff0f}\u{ff0f}evil.example",
    "/\u{ff0f}evil.example",
    "\u{ff3c}\u{ff3c}evil.example",
    "/\u{ff3c}evil.example",
    "\u{2215}\u{2215}evil.example",
    "\u{2044}\u{2044}evil.example",
    "%EF%BC%8F%EF%BC%8Fevil.example",
    // Dot segments that normalise to `//host` in the path.
    "/.//evil.example",
    "/..//evil.example",
    "/%2e//evil.example",
    ".//evil.example",
    "../evil.example",
    // Bare userinfo and port forms, dangerous once an application prefixes its own origin.
    "@evil.example",
    ":8080@evil.example",
    // Empty.
    "",
];

/// Legitimate local targets: paths with queries, fragments, encoded `next` parameters and
/// percent-encoded non-ASCII characters. All must be accepted with an empty allow-list.
const LOCAL_TARGETS: &[&str] = &[
    "/",
    "/protected",
    "/protected?tab=2",
    "/search?q=a%20b&page=3",
    "/files/my%20report.pdf",
    "/a/b/c/",
    "/docs#section-2",
    "/docs?x=1#top",
    "/p?next=%2Fother",
    "/login?next=%2Fprotected%3Fx%3D1",
    "/p?next=%2F%2Fevil.example",
    "/p?redirect=http://evil.example/",
    "/caf%C3%A9",
    "/users/%E4%BD%90%E8%97%A4",
    "/~user/",
    "/p;v=1",
    "/?",
    "/#",
];

fn allow_list() -> Vec<String> {
    vec!["localhost".to_owned(), "app.example".to_owned()]
}

/// Every bypass payload, plus generated oversized ones.
fn corpus() -> Vec<String> {
    let mut all: Vec<String> = BYPASSES.iter().map(|s| (*s).to_owned()).collect();
    all.push(format!("//evil.example/{}", "a".repeat(100_000)));
    all.push(format!("/{}//evil.example", "%2F".repeat(20_000)));
    all.push(format!("{}//evil.example", "\t".repeat(5_000)));
    all
}

#[test]
fn the_corpus_is_large_and_has_no_duplicates() {
    let mut sorted = corpus();
    let n = sorted.len();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), n, "duplicate payloads");
    assert!(n >= 60, "only {n} payloads");
}

#[test]
fn bypass_payloads_are_rejected() {
    let allowed = allow_list();
    let mut accepted = Vec::new();
    for payload in corpus().iter() {
        if is_safe_next(payload, &[]) || is_safe_next(payload, &allowed) {
            accepted.push(payload.clone());
        }
    }
    assert!(accepted.is_empty(), "accepted as safe: {accepted:#?}");
}

fn refused_local_targets(targets: &[&'static str]) -> Vec<&'static str> {
    let allowed = allow_list();
    targets
        .iter()
        .copied()
        .filter(|t| !is_safe_next(t, &[]) || !is_safe_next(t, &allowed))
        .collect()
}

#[test]
fn local_targets_are_accepted() {
    let refused = refused_local_targets(LOCAL_TARGETS);
    assert!(refused.is_empty(), "refused: {refused:#?}");
}

#[test]
fn allow_listed_hosts_are_accepted_only_over_http_and_https() {
    let allowed = vec!["app.example".to_owned(), "localhost:8080".to_owned()];
    for ok in [
        "https://app.example/home",
        "http://app.example",
        "https://app.example?x=1",
        "https://app.example/p#frag",
        "HTTPS://APP.EXAMPLE/x",
        "http://localhost:8080/p",
    ] {
        assert!(is_safe_next(ok, &allowed), "{ok:?} must be accepted");
        assert!(
            !is_safe_next(ok, &[]),
            "{ok:?} must be refused without an allow-list"
        );
    }
    for bad in [
        "https://app.example.evil.example/",
        "https://evil.example/app.example",
        "https://evilapp.example/",
        "https://user@app.example/",
        "https://app.example:444/",
        "http://localhost/",
        "http://localhost:80/",
        "ftp://app.example/",
        "//app.example/",
        "javascript://app.example/%0aalert(1)",
        "https://app.example\\@evil.example/",
    ] {
        assert!(!is_safe_next(bad, &allowed), "{bad:?} must be refused");
    }
}

fn settings() -> quickstart::Settings {
    quickstart::Settings::from_vars(|name| {
        Ok(match name {
            "SECRET_KEY" => Some("open-redirect-test-key-0123456789abcdef".to_owned()),
            _ => None,
        })
    })
    .expect("valid settings")
}

fn form(next: &str) -> String {
    let mut body = String::from("email=leafstorm&password=secret&next=");
    body.extend(form_encode(next));
    body
}

/// `application/x-www-form-urlencoded` encoding of one value (every byte but unreserved ones).
fn form_encode(value: &str) -> impl Iterator<Item = String> + '_ {
    value.bytes().map(|b| {
        if b.is_ascii_alphanumeric() || b"-._*".contains(&b) {
            (b as char).to_string()
        } else {
            format!("%{b:02X}")
        }
    })
}

fn location(res: &actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>) -> Option<String> {
    res.headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

#[actix_rt::test]
async fn logging_in_with_a_malicious_next_redirects_to_protected() {
    let manager = quickstart::manager(&settings()).expect("valid manager");
    let app = init_service(quickstart::app(manager)).await;
    let mut wrong = Vec::new();
    for payload in corpus().iter() {
        let req = TestRequest::post()
            .uri("/login")
            .insert_header((header::CONTENT_TYPE, "application/x-www-form-urlencoded"))
            .set_payload(form(payload))
            .to_request();
        let res = call_service(&app, req).await;
        let loc = location(&res);
        // Oversized bodies may be refused outright (413): that is safe too, as long as nothing
        // points off-site.
        let to_protected = res.status() == StatusCode::SEE_OTHER && loc.as_deref() == Some("/protected");
        let refused = res.status().is_client_error() && loc.is_none();
        if !(to_protected || refused) {
            wrong.push((payload.chars().take(80).collect::<String>(), res.status(), loc));
        }
    }
    assert!(wrong.is_empty(), "not redirected to /protected: {wrong:#?}");
}

#[actix_rt::test]
async fn a_malicious_next_in_the_query_is_ignored_too() {
    let manager = quickstart::manager(&settings()).expect("valid manager");
    let app = init_service(quickstart::app(manager)).await;
    for payload in [
        "//evil.example",
        "/\\evil.example",
        "https://evil.example/",
        "%2F%2Fevil.example",
    ] {
        let uri = format!("/login?next={}", form_encode(payload).collect::<String>());
        let req = TestRequest::post()
            .uri(&uri)
            .insert_header((header::CONTENT_TYPE, "application/x-www-form-urlencoded"))
            .set_payload("email=leafstorm&password=secret")
            .to_request();
        let res = call_service(&app, req).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{payload:?}");
        assert_eq!(location(&res).as_deref(), Some("/protected"), "{payload:?}");
    }
}

#[actix_rt::test]
async fn a_local_next_is_followed_after_login() {
    let manager = quickstart::manager(&settings()).expect("valid manager");
    let app = init_service(quickstart::app(manager)).await;
    for target in LOCAL_TARGETS.iter() {
        let req = TestRequest::post()
            .uri("/login")
            .insert_header((header::CONTENT_TYPE, "application/x-www-form-urlencoded"))
            .set_payload(form(target))
            .to_request();
        let res = call_service(&app, req).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{target:?}");
        assert_eq!(location(&res).as_deref(), Some(*target), "{target:?}");
    }
}

#[actix_rt::test]
async fn reauth_with_a_malicious_next_redirects_to_protected() {
    let manager = quickstart::manager(&settings()).expect("valid manager");
    let user = quickstart::USERS[0].clone();
    let cookie = manager.test_login(&user).fresh(false).session_cookie();
    let app = init_service(quickstart::app(manager)).await;
    for payload in [
        "//evil.example",
        "/\\evil.example",
        "javascript:alert(1)",
        "/%2F%2Fevil.example",
    ] {
        let mut body = String::from("password=secret&next=");
        body.extend(form_encode(payload));
        let req = TestRequest::post()
            .uri("/reauth")
            .cookie(cookie.clone())
            .insert_header((header::CONTENT_TYPE, "application/x-www-form-urlencoded"))
            .set_payload(body)
            .to_request();
        let res = call_service(&app, req).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{payload:?}");
        assert_eq!(location(&res).as_deref(), Some("/protected"), "{payload:?}");
    }
}

#[actix_rt::test]
async fn the_manager_allow_list_admits_its_hosts_only() {
    let manager = LoginManager::<quickstart::User>::builder("allow-list-test-key-0123456789abcdef!")
        .allowed_redirect_hosts(["App.Example"])
        .secure_cookies(false)
        .build()
        .expect("valid manager");
    let app = init_service(App::new().wrap(manager).configure(quickstart::routes)).await;
    for (next, expected) in [
        ("https://app.example/welcome", "https://app.example/welcome"),
        ("https://APP.example/x?y=1", "https://APP.example/x?y=1"),
        ("https://evil.example/", "/protected"),
        ("https://app.example@evil.example/", "/protected"),
        ("https://app.example.evil.example/", "/protected"),
        ("//app.example/", "/protected"),
    ] {
        let req = TestRequest::post()
            .uri("/login")
            .insert_header((header::CONTENT_TYPE, "application/x-www-form-urlencoded"))
            .set_payload(form(next))
            .to_request();
        let res = call_service(&app, req).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{next:?}");
        assert_eq!(location(&res).as_deref(), Some(expected), "{next:?}");
        let loc = res.headers().get(header::LOCATION).cloned();
        assert_ne!(loc, Some(HeaderValue::from_static("https://evil.example/")));
    }
}

#[actix_rt::test]
async fn the_forced_host_is_the_sites_own_and_admits_only_itself() {
    let manager = LoginManager::<quickstart::User>::builder("forced-host-test-key-0123456789abcdef")
        .force_host_for_redirects("accounts.example")
        .secure_cookies(false)
        .build()
        .expect("valid manager");
    let app = init_service(App::new().wrap(manager).configure(quickstart::routes)).await;
    for (next, expected) in [
        (
            "https://accounts.example/profile",
            "https://accounts.example/profile",
        ),
        ("http://accounts.example/", "http://accounts.example/"),
        ("https://evil.example/", "/protected"),
        ("https://accounts.example.evil.example/", "/protected"),
        ("https://accounts.example@evil.example/", "/protected"),
        ("//accounts.example/", "/protected"),
    ] {
        let req = TestRequest::post()
            .uri("/login")
            .insert_header((header::CONTENT_TYPE, "application/x-www-form-urlencoded"))
            .set_payload(form(next))
            .to_request();
        let res = call_service(&app, req).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{next:?}");
        assert_eq!(location(&res).as_deref(), Some(expected), "{next:?}");
    }
    // Every bypass payload is still refused with the forced host configured (the oversized
    // generated ones are refused by the form's size limit before `safe_next` sees them).
    for payload in BYPASSES {
        let req = TestRequest::post()
            .uri("/login")
            .insert_header((header::CONTENT_TYPE, "application/x-www-form-urlencoded"))
            .set_payload(form(payload))
            .to_request();
        let res = call_service(&app, req).await;
        assert_eq!(location(&res).as_deref(), Some("/protected"), "{payload:?}");
    }
}

#[test]
fn test_safe_next_refuses_open_redirects__beyond_flask_4_6() {
    for bad in [
        "//evil.com",
        "/\\evil.com",
        "https://evil.com/",
        "javascript:alert(1)",
        "/%2F%2Fevil.com",
        "http://user@localhost/",
        "",
    ] {
        assert!(!is_safe_next(bad, &[]), "{bad:?}");
    }
    for good in ["/protected", "/p?x=1&y=2", "/"] {
        assert!(is_safe_next(good, &[]), "{good:?}");
    }
    assert!(is_safe_next(
        "https://app.example/home",
        &["app.example".to_owned()]
    ));
    assert!(!is_safe_next("https://app.example/home", &[]));
}

#[actix_rt::test]
async fn login_session_safe_next_gives_local_targets_only() {
    use login_tests::{Store, builder, client};
    let store = Store::new();
    let mut c = client!(builder().build().unwrap(), store);
    assert_eq!(c.get("/next?next=%2Fprotected").await.body, "/protected");
    assert_eq!(c.get("/next?next=%2F%2Fevil.com").await.body, "none");
    assert_eq!(c.get("/next?next=https%3A%2F%2Fevil.com").await.body, "none");
}
