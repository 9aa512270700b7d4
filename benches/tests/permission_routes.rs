//! Routes that check no permission pay nothing for authorization: the benchmark user type has a
//! permission loader, and `/bare`, `/maybe` and `/guarded` never call it, whatever the cookies.
//! `/permission` calls it once per request; `/check` (a `check = ..` function) never does.

#![allow(clippy::unwrap_used)] // helpers of a test file: a failed unwrap is a failed test

use actix_web::http::header::HeaderValue;
use actix_web::{App, test};
use login_benches::{
    check_routes, cookie_header, log_in, manager, permission_loader_calls, permission_routes, request, routes,
};

/// Status and how many permission loads one request to `uri` made.
async fn probe<S, B>(app: &S, uri: &str, cookie: Option<&HeaderValue>) -> (u16, u64)
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
{
    let before = permission_loader_calls();
    let res = test::call_service(app, request(uri, cookie).to_request()).await;
    (res.status().as_u16(), permission_loader_calls() - before)
}

#[actix_rt::test]
async fn only_routes_that_check_a_permission_load_the_permissions() {
    let app = test::init_service(App::new().wrap(manager()).configure(routes)).await;
    let permission_app = test::init_service(App::new().wrap(manager()).configure(permission_routes)).await;
    let check_app = test::init_service(App::new().wrap(manager()).configure(check_routes)).await;
    let login = log_in(&app, true).await;
    assert_eq!(login.len(), 2, "the login sets the session and remember cookies");
    let session = cookie_header(&login[..1]);
    let both = cookie_header(&login);

    for cookie in [None, Some(&session), Some(&both)] {
        assert_eq!(probe(&app, "/bare", cookie).await, (200, 0), "{cookie:?}");
        assert_eq!(probe(&app, "/maybe", cookie).await, (200, 0), "{cookie:?}");
        assert_eq!(probe(&check_app, "/check", cookie).await.1, 0, "{cookie:?}");
        assert_eq!(probe(&app, "/guarded", cookie).await.1, 0, "{cookie:?}");
    }
    assert_eq!(probe(&app, "/guarded", Some(&session)).await, (200, 0));
    assert_eq!(probe(&check_app, "/check", Some(&session)).await, (200, 0));
    assert_eq!(
        probe(&permission_app, "/permission", Some(&session)).await,
        (200, 1),
        "the benchmark user holds Perm::Admin, loaded once"
    );
    assert_eq!(
        probe(&permission_app, "/permission", None).await,
        (401, 0),
        "an anonymous request is refused before any permission is loaded"
    );
}
