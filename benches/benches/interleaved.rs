//! The request rows of `requests.rs`, timed interleaved: each round runs a batch of every case
//! back to back, and the figure is the median over the rounds. On a shared machine, background
//! load then hits every case alike, so the ratios hold even when the absolute times drift.
//!
//! The `guarded, MemoryStore` row is the same guarded route with login-runtime's server-side
//! `MemoryStore`: the cookie holds a signed id, and the request costs one store `load`.
//!
//! The authorization rows come last in each round: `/permission` (`permission = Perm::Admin`,
//! the set from a `#[permission_loader]`), `/check` (`check = is_active`), and the `Member`
//! user, who keeps its set in a `#[user(permissions)]` field, on a plain `/guarded` route and on
//! `/permission`. Each route sits where `/guarded` sits in the plain app, so the routing work is
//! the same; their ratios to `guarded` (and to `bare`) are the cost of the check.
//!
//! Run: `cargo bench -p login-benches --bench interleaved`

#![allow(clippy::panic, missing_docs)]

mod peer;

use std::hint::black_box;
use std::time::Instant;

use actix_rt::SystemRunner;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::HeaderValue;
use actix_web::{App, test};
use login_benches::{
    SECRET, User, check_routes, cookie_header, log_in, manager, member_manager, member_permission_routes,
    member_routes, permission_routes, request, routes, store_manager,
};
use login_runtime::store::MemoryStore;
use login_runtime::{LoginManager, SessionProtection};

const ROUNDS: usize = 41;
const BATCH: u32 = 2_000;

/// Nanoseconds per request over one batch.
fn batch<S, B>(sys: &SystemRunner, app: &S, uri: &str, cookie: &HeaderValue) -> f64
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
{
    let start = Instant::now();
    for _ in 0..BATCH {
        let res = sys.block_on(app.call(request(uri, Some(cookie)).to_request()));
        black_box(
            res.map(|r| r.status())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        );
    }
    start.elapsed().as_nanos() as f64 / f64::from(BATCH)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let sys = actix_rt::System::new();
    let bare_app = sys.block_on(test::init_service(App::new().configure(routes)));
    let login_app = sys.block_on(test::init_service(App::new().wrap(manager()).configure(routes)));
    let unprotected = LoginManager::<User>::builder(SECRET)
        .secure_cookies(false)
        .session_protection(SessionProtection::Off)
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let off_app = sys.block_on(test::init_service(App::new().wrap(unprotected).configure(routes)));
    let peer_app = sys.block_on(test::init_service(peer::app()));
    let memory_app = sys.block_on(test::init_service(
        App::new()
            .wrap(store_manager(MemoryStore::new()))
            .configure(routes),
    ));
    let permission_app = sys.block_on(test::init_service(
        App::new().wrap(manager()).configure(permission_routes),
    ));
    let check_app = sys.block_on(test::init_service(
        App::new().wrap(manager()).configure(check_routes),
    ));
    let member_app = sys.block_on(test::init_service(
        App::new().wrap(member_manager()).configure(member_routes),
    ));
    let member_permission_app = sys.block_on(test::init_service(
        App::new()
            .wrap(member_manager())
            .configure(member_permission_routes),
    ));
    let ours = cookie_header(&sys.block_on(log_in(&login_app, false)));
    let member = cookie_header(&sys.block_on(log_in(&member_app, false)));
    let memory = cookie_header(&sys.block_on(log_in(&memory_app, false)));
    let off = cookie_header(&sys.block_on(log_in(&off_app, false)));
    let theirs = cookie_header(&sys.block_on(log_in(&peer_app, false)));

    let names = [
        "bare",
        "untouched",
        "guarded",
        "guarded, protection off",
        "actix-identity",
        "guarded, MemoryStore",
        "permission, loader",
        "check = fn",
        "Member, guarded",
        "Member, permission (field)",
    ];
    // Per-round ratios: (label, numerator, denominator), indices into a round's times.
    let pairs: [(&str, usize, usize); 13] = [
        ("guarded / bare", 2, 0),
        ("guarded / actix-identity", 2, 4),
        ("guarded, MemoryStore / guarded", 5, 2),
        ("guarded, MemoryStore / actix-identity", 5, 4),
        ("permission, loader / guarded", 6, 2),
        ("check = fn / guarded", 7, 2),
        ("Member, guarded / guarded", 8, 2),
        ("Member, permission / Member, guarded", 9, 8),
        ("Member, permission / guarded", 9, 2),
        ("permission, loader / bare", 6, 0),
        ("check = fn / bare", 7, 0),
        ("Member, guarded / bare", 8, 0),
        ("Member, permission / bare", 9, 0),
    ];
    let mut times: Vec<Vec<f64>> = vec![Vec::with_capacity(ROUNDS); names.len()];
    let mut ratios: Vec<Vec<f64>> = vec![Vec::with_capacity(ROUNDS); pairs.len()];
    for round in 0..=ROUNDS {
        let t = [
            batch(&sys, &bare_app, "/bare", &ours),
            batch(&sys, &login_app, "/bare", &ours),
            batch(&sys, &login_app, "/guarded", &ours),
            batch(&sys, &off_app, "/guarded", &off),
            batch(&sys, &peer_app, "/guarded", &theirs),
            batch(&sys, &memory_app, "/guarded", &memory),
            batch(&sys, &permission_app, "/permission", &ours),
            batch(&sys, &check_app, "/check", &ours),
            batch(&sys, &member_app, "/guarded", &member),
            batch(&sys, &member_permission_app, "/permission", &member),
        ];
        if round == 0 {
            continue; // warm-up
        }
        for (i, v) in t.iter().enumerate() {
            times[i].push(*v);
        }
        for (r, &(_, num, den)) in ratios.iter_mut().zip(&pairs) {
            r.push(t[num] / t[den]);
        }
    }
    println!("interleaved: {ROUNDS} rounds x {BATCH} requests per case; median ns per request");
    let bare = median(times[0].clone());
    for (name, t) in names.iter().zip(&times) {
        let m = median(t.clone());
        println!("{name:<26} {m:>8.0} ns   x{:.2} of bare", m / bare);
    }
    for ((label, _, _), r) in pairs.iter().zip(ratios) {
        let label = format!("median per-round ratio {label}:");
        println!("{label:<62} {:.2}", median(r));
    }
}
