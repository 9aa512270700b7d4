//! Cookie headers no browser should send (non-UTF-8 bytes, broken syntax, repeated names) never
//! cause a 5xx and never log anyone in, and a malformed cookie next to ours never hides it: the
//! `Cookie` header is scanned as bytes, and a value of ours that is not UTF-8 is simply invalid.
// Test helpers may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use actix_web::http::header::{self, COOKIE, HeaderValue};
use actix_web::test::TestRequest;
use login_tests::{Store, builder, client};

#[actix_rt::test]
async fn test_non_utf8_and_malformed_cookie_headers_never_5xx() {
    let store = Store::new();
    let c = client!(builder().build().unwrap(), store);
    let raw: Vec<&[u8]> = vec![
        b"session=\xff\xfe\xfd",
        b"remember_token=\xc3\x28; session=\x80",
        b"session",
        b"=",
        b";;;;",
        b"session=a; session=b; session=c",
        b"remember_token=\"quoted\"",
        b"session=%",
    ];
    for bytes in raw {
        let req = TestRequest::get()
            .uri("/username")
            .insert_header((COOKIE, HeaderValue::from_bytes(bytes).unwrap()));
        let r = c.send_raw(req).await;
        assert_eq!(r.status, 200, "{:?}", String::from_utf8_lossy(bytes));
        assert_eq!(r.body, "Anonymous");
    }
}

#[actix_rt::test]
async fn a_non_utf8_byte_in_another_cookie_does_not_hide_the_session() {
    let store = Store::new();
    let c = {
        let mut c = client!(builder().build().unwrap(), store);
        c.get("/login/notch").await;
        c
    };
    let mut line = b"tracker=\xff\xfe; session=".to_vec();
    line.extend_from_slice(c.cookie("session").unwrap().as_bytes());
    line.extend_from_slice(b"; other=\xe9t\xe9");
    let r = c
        .send_raw(
            TestRequest::get()
                .uri("/username")
                .insert_header((header::USER_AGENT, login_tests::DEFAULT_UA))
                .insert_header((header::COOKIE, HeaderValue::from_bytes(&line).unwrap())),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body, "notch", "the session is read past a non-UTF-8 neighbour");
}

#[actix_rt::test]
async fn a_non_utf8_session_value_counts_as_no_session() {
    let store = Store::new();
    let c = client!(builder().build().unwrap(), store);
    let r = c
        .send_raw(TestRequest::get().uri("/username").insert_header((
            header::COOKIE,
            HeaderValue::from_bytes(b"session=\xff\xff\xff").unwrap(),
        )))
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body, "Anonymous");
}
