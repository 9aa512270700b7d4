//! No cost where no login state is touched, counted in heap allocations: the middleware does
//! the same fixed work for an untouched route whether or not the request carries login cookies,
//! so it never parses them. A route that reads the login state allocates more (the check can
//! fail: an eager parse of the cookies would show up here).
//!
//! One test only in this binary: the allocation counter is process-wide.

#![allow(clippy::unwrap_used)] // helpers of a test file: a failed unwrap is a failed test

use std::alloc::System;

use actix_web::http::header::HeaderValue;
use actix_web::{App, test};
use login_benches::{log_in, manager, request, routes};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

const REQUESTS: usize = 64;

/// Allocations made by `REQUESTS` requests to `uri` (after a warm-up).
async fn allocations<S, B>(app: &S, uri: &str, cookie: &HeaderValue) -> usize
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
{
    let request = || request(uri, Some(cookie)).to_request();
    for _ in 0..8 {
        assert!(app.call(request()).await.unwrap().status().is_success());
    }
    let region = Region::new(GLOBAL);
    for _ in 0..REQUESTS {
        let res = app.call(request()).await.unwrap();
        assert!(res.status().is_success());
    }
    let stats = region.change();
    stats.allocations + stats.reallocations
}

#[actix_rt::test]
async fn login_cookies_cost_an_untouched_route_no_allocation() {
    let bare = test::init_service(App::new().configure(routes)).await;
    let app = test::init_service(App::new().wrap(manager()).configure(routes)).await;
    let cookies = log_in(&app, true).await;
    let joined = cookies
        .iter()
        .map(|c| format!("{}={}", c.name(), c.value()))
        .collect::<Vec<_>>()
        .join("; ");
    let with_cookies = HeaderValue::from_str(&joined).unwrap();
    // A header of the same length that is not a login cookie, so header storage is identical.
    let filler = HeaderValue::from_str(&format!("x={}", "y".repeat(joined.len() - 2))).unwrap();

    let bare_plain = allocations(&bare, "/bare", &filler).await;
    let bare_login = allocations(&bare, "/bare", &with_cookies).await;
    let untouched_plain = allocations(&app, "/bare", &filler).await;
    let untouched_login = allocations(&app, "/bare", &with_cookies).await;
    let maybe_login = allocations(&app, "/maybe", &with_cookies).await;

    assert_eq!(
        bare_plain, bare_login,
        "actix-web alone does not parse cookies either"
    );
    assert_eq!(
        untouched_plain, untouched_login,
        "login cookies on an untouched route cost nothing: they are never parsed"
    );
    let fixed = (untouched_login - bare_login) / REQUESTS;
    assert_eq!(
        (untouched_login - bare_login) % REQUESTS,
        0,
        "the middleware's cost is a fixed number of allocations per request"
    );
    assert!(
        fixed <= 3,
        "the middleware allocates {fixed} times per untouched request"
    );
    assert!(
        maybe_login > untouched_login,
        "reading the login state allocates (so this test would see an eager parse)"
    );
}
