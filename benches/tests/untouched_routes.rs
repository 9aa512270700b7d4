//! No cost where no login state is touched: a route without a guard or a login extractor never
//! loads the user and gets no `Set-Cookie` or `Vary: Cookie` from the middleware, whatever
//! cookies the request carries (Flask-Login adds `Vary: Cookie` to every response, P32).

#![allow(clippy::unwrap_used)] // helpers of a test file: a failed unwrap is a failed test

use actix_web::cookie::Cookie;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{App, test};
use login_benches::{cookie_header, loader_calls, log_in, manager, request, routes};

/// Status, `Set-Cookie` count, whether `Vary` names `Cookie`, and how many loads the request made.
async fn probe<S, B>(app: &S, uri: &str, cookie: Option<&HeaderValue>) -> (u16, usize, bool, u64)
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
{
    let req = request(uri, cookie);
    let before = loader_calls();
    let res = test::call_service(app, req.to_request()).await;
    let loads = loader_calls() - before;
    let set_cookies = res.headers().get_all(header::SET_COOKIE).count();
    let vary_cookie = res
        .headers()
        .get_all(header::VARY)
        .any(|v| v.to_str().unwrap_or("").to_ascii_lowercase().contains("cookie"));
    (res.status().as_u16(), set_cookies, vary_cookie, loads)
}

#[actix_rt::test]
async fn an_untouched_route_loads_nobody_and_writes_no_cookie_header_whatever_the_cookies() {
    let app = test::init_service(App::new().wrap(manager()).configure(routes)).await;
    let login = log_in(&app, true).await;
    assert_eq!(login.len(), 2, "the login sets the session and remember cookies");
    let session = login.iter().find(|c| c.name() == "session").unwrap().clone();
    let remember = login
        .iter()
        .find(|c| c.name() == "remember_token")
        .unwrap()
        .clone();
    let forged = Cookie::new("session", "not.signed");
    let stale = Cookie::new("remember_token", "expired.or.forged");

    let cases: [(&str, Option<HeaderValue>); 5] = [
        ("no cookie", None),
        (
            "valid session",
            Some(cookie_header(std::slice::from_ref(&session))),
        ),
        (
            "valid session and remember",
            Some(cookie_header(&[session.clone(), remember.clone()])),
        ),
        (
            "remember only",
            Some(cookie_header(std::slice::from_ref(&remember))),
        ),
        (
            "forged session, invalid remember",
            Some(cookie_header(&[forged, stale])),
        ),
    ];
    for (name, cookie) in &cases {
        let (status, set_cookies, vary, loads) = probe(&app, "/bare", cookie.as_ref()).await;
        assert_eq!(status, 200, "{name}");
        assert_eq!(set_cookies, 0, "{name}: an untouched route gets no Set-Cookie");
        assert!(!vary, "{name}: an untouched route gets no `Vary: Cookie`");
        assert_eq!(loads, 0, "{name}: an untouched route never calls the user loader");
    }

    // The same requests to routes that do read the login state: loaded once, and `Vary: Cookie`.
    let session_only = cookie_header(std::slice::from_ref(&session));
    assert_eq!(
        probe(&app, "/guarded", Some(&session_only)).await,
        (200, 0, true, 1)
    );
    assert_eq!(
        probe(&app, "/maybe", Some(&session_only)).await,
        (200, 0, true, 1)
    );
    let (_, set_cookies, vary, loads) = probe(&app, "/maybe", cases[3].1.as_ref()).await;
    assert_eq!(
        (set_cookies, vary, loads),
        (1, true, 1),
        "a remember cookie alone restores the session on a route that reads it"
    );
    let (_, set_cookies, _, loads) = probe(&app, "/maybe", cases[4].1.as_ref()).await;
    assert_eq!(
        (set_cookies, loads),
        (1, 0),
        "an invalid remember cookie is deleted, and nobody is loaded"
    );
}
