//! Hostile input through the quickstart: garbage, oversized (8 KiB, 64 KiB) and non-UTF-8
//! cookies and form bodies, wrong content types, missing and duplicated fields, many and
//! duplicated cookies. None may give a 5xx, and none may log anybody in.
//!
//! Most tests drive the app in-process; `the_real_http_server_never_answers_5xx` also sends raw
//! bytes to a quickstart server on 127.0.0.1, so actix's own HTTP parser is part of the test.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::test::{TestRequest, call_service, init_service};
use actix_web::{HttpServer, dev::ServerHandle};

use crate::quickstart;

const KEY: &str = "hostile-input-test-key-0123456789abcdef";

fn manager() -> login_runtime::LoginManager<quickstart::User> {
    let settings = quickstart::Settings::from_vars(|name| {
        Ok(match name {
            "SECRET_KEY" => Some(KEY.to_owned()),
            _ => None,
        })
    })
    .expect("valid settings");
    quickstart::manager(&settings).expect("valid manager")
}

const FORM: &str = "application/x-www-form-urlencoded";

/// Asserts the answer is not a server error and sets no login cookie.
fn assert_refused_without_login(
    what: &str,
    res: &actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
) {
    let status = res.status();
    assert!(!status.is_server_error(), "{what}: {status}");
    let logged_in = res
        .response()
        .cookies()
        .any(|c| (c.name() == "session" || c.name() == "remember_token") && !c.value().is_empty());
    assert!(!logged_in, "{what}: a login cookie was set ({status})");
}

fn hostile_bodies() -> Vec<(&'static str, Vec<u8>)> {
    let big = |n: usize| format!("email=leafstorm&password={}", "x".repeat(n)).into_bytes();
    vec![
        ("empty", Vec::new()),
        ("lone percent", b"%".to_vec()),
        ("bad escape", b"email=%zz&password=%".to_vec()),
        ("separators only", b"&&&===&;;".to_vec()),
        ("key without value", b"email".to_vec()),
        ("missing password", b"email=leafstorm".to_vec()),
        ("missing email", b"password=secret".to_vec()),
        (
            "duplicate fields",
            b"email=leafstorm&email=creeper&password=secret".to_vec(),
        ),
        ("wrong password", b"email=leafstorm&password=secreT".to_vec()),
        ("inactive user", b"email=creeper&password=secret".to_vec()),
        ("unknown user", b"email=nobody&password=secret".to_vec()),
        (
            "encoded invalid UTF-8",
            b"email=%FF%FE%FD&password=%C3%28".to_vec(),
        ),
        ("raw invalid UTF-8", b"email=\xff\xfe&password=\xc3\x28".to_vec()),
        ("encoded NUL", b"email=leafstorm%00&password=secret%00".to_vec()),
        (
            "raw NUL and controls",
            b"email=leaf\x00storm&password=\x01\x02\x7f".to_vec(),
        ),
        ("password is a prefix", b"email=leafstorm&password=secre".to_vec()),
        (
            "JSON in a form",
            br#"{"email":"leafstorm","password":"secret"}"#.to_vec(),
        ),
        ("8 KiB password", big(8 * 1024)),
        ("64 KiB password", big(64 * 1024)),
        ("64 KiB of ampersands", vec![b'&'; 64 * 1024]),
        ("1 MiB body", vec![b'a'; 1024 * 1024]),
        ("8 KiB of random bytes", pseudo_random_bytes(8 * 1024, 7)),
    ]
}

/// Deterministic noise (xorshift), so a failure reproduces.
fn pseudo_random_bytes(n: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

#[actix_rt::test]
async fn malformed_login_bodies_never_give_a_5xx_or_a_login() {
    let app = init_service(quickstart::app(manager())).await;
    for (what, body) in hostile_bodies() {
        let req = TestRequest::post()
            .uri("/login")
            .insert_header((header::CONTENT_TYPE, FORM))
            .set_payload(body)
            .to_request();
        let res = call_service(&app, req).await;
        assert_refused_without_login(what, &res);
        assert!(res.status().is_client_error(), "{what}: {}", res.status());
    }
}

#[actix_rt::test]
async fn wrong_content_types_never_give_a_5xx_or_a_login() {
    let app = init_service(quickstart::app(manager())).await;
    let good = b"email=leafstorm&password=secret".to_vec();
    for content_type in [
        Some("application/json"),
        Some("text/plain"),
        Some("multipart/form-data; boundary=xyz"),
        Some("application/x-www-form-urlencoded; charset=\u{0}"),
        Some("application/octet-stream"),
        Some("garbage/;;;==="),
        Some(""),
        None,
    ] {
        let mut req = TestRequest::post().uri("/login").set_payload(good.clone());
        if let Some(ct) = content_type {
            match HeaderValue::from_str(ct) {
                Ok(v) => req = req.insert_header((header::CONTENT_TYPE, v)),
                Err(_) => continue,
            }
        }
        let res = call_service(&app, req.to_request()).await;
        assert_refused_without_login(&format!("content type {content_type:?}"), &res);
    }
    // Non-UTF-8 bytes in the content type itself.
    let req = TestRequest::post()
        .uri("/login")
        .insert_header((
            header::CONTENT_TYPE,
            HeaderValue::from_bytes(b"application/x-www-form-urlencoded\xff")
                .expect("obs-text is a valid header"),
        ))
        .set_payload(good)
        .to_request();
    let res = call_service(&app, req).await;
    assert_refused_without_login("non-UTF-8 content type", &res);
}

#[actix_rt::test]
async fn a_good_login_still_works_next_to_the_hostile_ones() {
    // The control for the tests above: the same app logs a well-formed request in.
    let app = init_service(quickstart::app(manager())).await;
    let req = TestRequest::post()
        .uri("/login")
        .insert_header((header::CONTENT_TYPE, FORM))
        .set_payload("email=leafstorm&password=secret&remember=on")
        .to_request();
    let res = call_service(&app, req).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let names: Vec<String> = res.response().cookies().map(|c| c.name().to_owned()).collect();
    assert!(names.contains(&"session".to_owned()) && names.contains(&"remember_token".to_owned()));
}

/// `bytes` with the few values a header can never carry (controls other than tab) replaced.
fn header_safe(mut bytes: Vec<u8>) -> Vec<u8> {
    for b in &mut bytes {
        if (*b < 0x20 && *b != b'\t') || *b == 0x7f {
            *b = b'~';
        }
    }
    bytes
}

/// Cookie headers no browser would send: invalid bytes, oversized values, hundreds of cookies,
/// duplicate names, broken syntax.
fn hostile_cookie_headers() -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = Vec::new();
    for name in ["session", "remember_token"] {
        for (what, value) in [
            ("8 KiB", "A".repeat(8 * 1024).into_bytes()),
            ("64 KiB", "A".repeat(64 * 1024).into_bytes()),
            (
                "8 KiB signed-looking",
                format!("{}.{}", "A".repeat(8 * 1024), "B".repeat(43)).into_bytes(),
            ),
            ("obs-text bytes", b"\x80\xff\xfe.\xc3\x28".to_vec()),
            ("random bytes", header_safe(pseudo_random_bytes(512, 11))),
            ("many dots", ".".repeat(4000).into_bytes()),
            ("percent escapes", b"%FF%00%0A.%2E".to_vec()),
            ("quoted", b"\"abc.def\"".to_vec()),
            ("empty", Vec::new()),
        ] {
            let mut raw = format!("{name}=").into_bytes();
            raw.extend_from_slice(&value);
            out.push((format!("{name} {what}"), raw));
        }
    }
    let many: String = (0..500).map(|i| format!("c{i}=v{i}; ")).collect();
    out.push(("500 cookies".into(), format!("{many}session=x.y").into_bytes()));
    let dup_sessions: String = (0..300).map(|i| format!("session=garbage{i}.x; ")).collect();
    out.push(("300 duplicate session cookies".into(), dup_sessions.into_bytes()));
    out.push((
        "duplicate names".into(),
        b"session=a.b; remember_token=c.d; session=e.f; remember_token=g.h".to_vec(),
    ));
    out.push(("no equals sign".into(), b"session; remember_token".to_vec()));
    out.push(("separators only".into(), b";;;; ; = ;=;".to_vec()));
    out.push(("empty name".into(), b"=value; =session".to_vec()));
    out.push((
        "invalid UTF-8 everywhere".into(),
        b"\xff\xfe=\xfd; session=\xc3\x28".to_vec(),
    ));
    out
}

#[actix_rt::test]
async fn hostile_cookies_never_give_a_5xx_and_stay_anonymous() {
    let app = init_service(quickstart::app(manager())).await;
    for (what, raw) in hostile_cookie_headers() {
        let value = HeaderValue::from_bytes(&raw).expect("a valid header value");
        for uri in ["/", "/protected", "/fresh", "/api/me", "/logout", "/reauth"] {
            let req = TestRequest::get()
                .uri(uri)
                .insert_header((header::COOKIE, value.clone()))
                .to_request();
            let res = call_service(&app, req).await;
            let status = res.status();
            assert!(!status.is_server_error(), "{what} on {uri}: {status}");
            match uri {
                "/" | "/logout" => assert_eq!(status, StatusCode::OK, "{what} on {uri}"),
                "/api/me" => assert_eq!(status, StatusCode::UNAUTHORIZED, "{what} on {uri}"),
                _ => assert_eq!(
                    status,
                    StatusCode::FOUND,
                    "{what} on {uri}: must be sent to log in"
                ),
            }
        }
    }
}

#[actix_rt::test]
async fn a_valid_session_survives_hostile_neighbours() {
    // Garbage next to a valid cookie neither crashes nor breaks the valid login, and a duplicate
    // name is decided by the first occurrence only.
    let manager = manager();
    let session = manager
        .test_login(&quickstart::USERS[0])
        .session_cookie()
        .value()
        .to_owned();
    let app = init_service(quickstart::app(manager)).await;
    let junk: String = (0..200).map(|i| format!("junk{i}=\u{7e}{i}; ")).collect();
    for (header_value, logged_in) in [
        (format!("{junk}session={session}"), true),
        (
            format!("session={session}; remember_token={}", "A".repeat(8 * 1024)),
            true,
        ),
        (format!("session={session}; session=garbage.x"), true),
        (format!("session=garbage.x; session={session}"), false),
    ] {
        let req = TestRequest::get()
            .uri("/protected")
            .insert_header((header::COOKIE, header_value.as_str()))
            .to_request();
        let res = call_service(&app, req).await;
        let expected = if logged_in {
            StatusCode::OK
        } else {
            StatusCode::FOUND
        };
        assert_eq!(
            res.status(),
            expected,
            "{}",
            &header_value[header_value.len().saturating_sub(60)..]
        );
    }
}

#[actix_rt::test]
async fn hostile_basic_credentials_and_queries_never_give_a_5xx() {
    let app = init_service(quickstart::app(manager())).await;
    for auth in [
        &b"Basic"[..],
        b"Basic ",
        b"Basic !!!!",
        b"Basic \xff\xfe",
        b"Basic /w==",
        b"Bearer x",
        b"basic bGVhZnN0b3JtOnNlY3JldA=====",
        b"Basic bGVhZnN0b3Jt",
    ] {
        let req = TestRequest::get()
            .uri("/api/me")
            .insert_header((
                header::AUTHORIZATION,
                HeaderValue::from_bytes(auth).expect("valid header"),
            ))
            .to_request();
        let res = call_service(&app, req).await;
        assert_eq!(
            res.status(),
            StatusCode::UNAUTHORIZED,
            "{}",
            String::from_utf8_lossy(auth)
        );
    }
    let long = format!("Basic {}", "A".repeat(64 * 1024));
    let req = TestRequest::get()
        .uri("/api/me")
        .insert_header((header::AUTHORIZATION, long.as_str()))
        .to_request();
    assert_eq!(call_service(&app, req).await.status(), StatusCode::UNAUTHORIZED);
    for uri in [
        "/login?next=%FF%FE",
        "/login?next=%",
        "/login?next=a&next=b",
        "/protected?%FF=%FE",
        "/fresh?x=%00",
    ] {
        let req = TestRequest::get().uri(uri).to_request();
        let status = call_service(&app, req).await.status();
        assert!(!status.is_server_error(), "{uri}: {status}");
    }
}

#[actix_rt::test]
async fn a_non_ascii_next_gives_a_usable_redirect() {
    let app = init_service(quickstart::app(manager())).await;
    let req = TestRequest::post()
        .uri("/login")
        .insert_header((header::CONTENT_TYPE, FORM))
        .set_payload("email=leafstorm&password=secret&next=%2Fcaf%C3%A9")
        .to_request();
    let res = call_service(&app, req).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(
        res.headers().get(header::LOCATION).is_some(),
        "a 303 without Location"
    );
}

/// Starts the quickstart on an ephemeral loopback port in its own thread.
fn start_server() -> (SocketAddr, ServerHandle) {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        actix_rt::System::new().block_on(async move {
            let manager = manager();
            let server = HttpServer::new(move || quickstart::app(manager.clone()))
                .workers(1)
                .bind(("127.0.0.1", 0))
                .expect("bind to loopback");
            let addr = server.addrs()[0];
            let server = server.run();
            tx.send((addr, server.handle())).expect("send the address");
            server.await
        })
    });
    rx.recv_timeout(Duration::from_secs(30))
        .expect("the server starts")
}

/// Sends raw bytes and returns the status code of the answer (`None` when the server closed the
/// connection without one).
fn raw_status(addr: SocketAddr, request: &[u8]) -> Option<u16> {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    // The server may answer and close before reading everything; a reset while writing is fine.
    let _ = stream.write_all(request);
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    let line = String::from_utf8_lossy(&buf);
    line.strip_prefix("HTTP/1.1 ")?.get(..3)?.parse().ok()
}

#[test]
fn the_real_http_server_never_answers_5xx() {
    let (addr, handle) = start_server();
    let get_with_cookie = |cookie: &[u8]| {
        let mut r = b"GET /protected HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nCookie: ".to_vec();
        r.extend_from_slice(cookie);
        r.extend_from_slice(b"\r\n\r\n");
        r
    };
    let post = |content_type: &str, body: &[u8]| {
        let mut r = format!(
            "POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        r.extend_from_slice(body);
        r
    };
    let mut requests: Vec<(String, Vec<u8>)> = hostile_cookie_headers()
        .into_iter()
        .map(|(what, raw)| (what, get_with_cookie(&raw)))
        .collect();
    requests.push((
        "session cookie of 128 KiB".into(),
        get_with_cookie(format!("session={}", "A".repeat(128 * 1024)).as_bytes()),
    ));
    for (what, body) in hostile_bodies() {
        requests.push((format!("body: {what}"), post(FORM, &body)));
    }
    requests.push(("JSON body".into(), post("application/json", b"{\"email\":1}")));
    for (what, request) in &requests {
        let code = raw_status(addr, request);
        assert!(code.is_some_and(|c| c < 500), "{what}: {code:?}");
    }
    // The control: a valid login on the same server is answered, and logs in.
    let status = raw_status(addr, &post(FORM, b"email=leafstorm&password=secret"));
    assert_eq!(status, Some(303));
    actix_rt::System::new().block_on(handle.stop(true));
}
