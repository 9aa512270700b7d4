//! The flash cookie of `actix-web-flash-messages`, with what the app's `flash.rs` changes in it:
//! `Secure` as the app's other cookies, and a cookie that is not the app's is dropped quietly.

use super::*;

/// The `flash` cookie a response sets, as its `Set-Cookie` line.
fn flash_cookie<B>(res: &ServiceResponse<B>) -> Option<String> {
    res.headers()
        .get_all(header::SET_COOKIE)
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("flash="))
        .map(str::to_owned)
}

#[actix_web::test]
async fn the_flash_cookie_is_secure_exactly_when_the_apps_cookies_are() {
    for secure in [false, true] {
        let app = start!(Config {
            secure_cookies: secure,
            ..config()
        });
        let req = TestRequest::get().uri("/profile").to_request();
        let res = test::call_service(&app, req).await;
        assert_eq!(res.status(), StatusCode::FOUND);
        let cookie = flash_cookie(&res).expect("the refusal flashes \"Please log in\"");
        assert_eq!(cookie.contains("; Secure"), secure, "{cookie}");
        assert!(cookie.contains("HttpOnly"), "{cookie}");
    }
}

#[actix_web::test]
async fn a_forged_flash_cookie_shows_no_message_and_is_deleted() {
    let app = start!();
    // The crate's JSON, unsigned: what someone putting words on the page would send.
    let forged =
        "flash=%5B%7B%22content%22%3A%22Your%20account%20is%20locked%22%2C%22level%22%3A%22Error%22%7D%5D";
    let req = TestRequest::get()
        .uri("/")
        .insert_header((header::COOKIE, forged))
        .to_request();
    let res = test::call_service(&app, req).await;
    assert_eq!(res.status(), StatusCode::OK, "a page, not the crate's 400");
    let removal = flash_cookie(&res).expect("the bad cookie is deleted");
    assert!(removal.contains("Max-Age=0"), "{removal}");
    let body = String::from_utf8_lossy(&test::read_body(res).await).into_owned();
    assert!(!body.contains("locked"), "{body}");
}
