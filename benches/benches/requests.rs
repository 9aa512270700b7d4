//! A full request through actix-web's service stack, four ways, in one run so the ratios hold:
//!
//! - `bare`: the `/bare` handler with no middleware at all (actix-web alone);
//! - `untouched`: the same handler behind `LoginManager`, with a session cookie it never reads;
//! - `guarded`: `/guarded` (`#[login_required]` + `CurrentUser`) with a valid, bound session
//!   cookie, so the request verifies the cookie, checks the client fingerprint and loads the user;
//! - `guarded, protection off`: the same with session protection off, which skips the client
//!   fingerprint (a keyed SipHash of the peer address and `User-Agent`) that actix-identity does
//!   not do;
//! - `actix-identity`: the equivalent guarded route with actix-identity + actix-session (signed
//!   cookie store), loading the user from the same table.
//!
//! Every row builds its request the same way (path, `User-Agent`, one cookie header), so the
//! differences between rows are what the middleware and the extractors cost.
//!
//! Run: `cargo bench -p login-benches --bench requests`

#![allow(clippy::panic, missing_docs)]

mod peer;

use std::hint::black_box;
use std::time::Duration;

use actix_rt::SystemRunner;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{App, test};
use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, criterion_group, criterion_main};
use login_benches::{SECRET, User, cookie_header, log_in, manager, request, routes};
use login_runtime::{LoginManager, SessionProtection};

fn req(uri: &str, cookie: &HeaderValue) -> actix_http::Request {
    request(uri, Some(cookie)).to_request()
}

/// Checks the route answers 200 without writing cookies (the steady state being measured), then
/// measures it.
fn bench_route<S, B>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    sys: &SystemRunner,
    name: &str,
    app: &S,
    uri: &str,
    cookie: &HeaderValue,
) where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
{
    let res = sys
        .block_on(app.call(req(uri, cookie)))
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(res.status(), StatusCode::OK, "{name}: {uri} must answer 200");
    assert!(
        res.headers().get(header::SET_COOKIE).is_none(),
        "{name}: the steady state must not rewrite cookies"
    );
    drop(res);
    group.bench_function(name, |b| {
        b.iter(|| {
            let res = sys.block_on(app.call(req(uri, cookie)));
            black_box(res.map(|r| r.status()).ok())
        })
    });
}

fn requests(c: &mut Criterion) {
    let sys = actix_rt::System::new();
    let manager = manager();
    let bare_app = sys.block_on(test::init_service(App::new().configure(routes)));
    let login_app = sys.block_on(test::init_service(App::new().wrap(manager).configure(routes)));
    let peer_app = sys.block_on(test::init_service(peer::app()));
    let unprotected = LoginManager::<User>::builder(SECRET)
        .secure_cookies(false)
        .session_protection(SessionProtection::Off)
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let unprotected_app = sys.block_on(test::init_service(App::new().wrap(unprotected).configure(routes)));

    let ours = cookie_header(&sys.block_on(log_in(&login_app, false)));
    let unprotected_cookie = cookie_header(&sys.block_on(log_in(&unprotected_app, false)));
    let theirs = cookie_header(&sys.block_on(log_in(&peer_app, false)));

    let mut group = c.benchmark_group("request");
    group
        .sample_size(40)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    bench_route(&mut group, &sys, "bare", &bare_app, "/bare", &ours);
    bench_route(&mut group, &sys, "untouched", &login_app, "/bare", &ours);
    bench_route(&mut group, &sys, "guarded", &login_app, "/guarded", &ours);
    bench_route(
        &mut group,
        &sys,
        "guarded, protection off",
        &unprotected_app,
        "/guarded",
        &unprotected_cookie,
    );
    bench_route(&mut group, &sys, "actix-identity", &peer_app, "/guarded", &theirs);
    group.finish();
}

criterion_group!(benches, requests);
criterion_main!(benches);
