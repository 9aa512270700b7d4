//! The request rows of `requests.rs`, timed interleaved: each round runs a batch of every case
//! back to back, and the figure is the median over the rounds. On a shared machine, background
//! load then hits every case alike, so the ratios hold even when the absolute times drift.
//!
//! The `guarded, MemoryStore` row is the same guarded route with login-runtime's server-side
//! `MemoryStore`: the cookie holds a signed id, and the request costs one store `load`.
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
use login_benches::{SECRET, User, cookie_header, log_in, manager, request, routes, store_manager};
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
    let ours = cookie_header(&sys.block_on(log_in(&login_app, false)));
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
    ];
    let mut times: Vec<Vec<f64>> = vec![Vec::with_capacity(ROUNDS); names.len()];
    let mut ratios: Vec<Vec<f64>> = (0..4).map(|_| Vec::with_capacity(ROUNDS)).collect();
    for round in 0..=ROUNDS {
        let t = [
            batch(&sys, &bare_app, "/bare", &ours),
            batch(&sys, &login_app, "/bare", &ours),
            batch(&sys, &login_app, "/guarded", &ours),
            batch(&sys, &off_app, "/guarded", &off),
            batch(&sys, &peer_app, "/guarded", &theirs),
            batch(&sys, &memory_app, "/guarded", &memory),
        ];
        if round == 0 {
            continue; // warm-up
        }
        for (i, v) in t.iter().enumerate() {
            times[i].push(*v);
        }
        ratios[0].push(t[2] / t[0]);
        ratios[1].push(t[2] / t[4]);
        ratios[2].push(t[5] / t[2]);
        ratios[3].push(t[5] / t[4]);
    }
    println!("interleaved: {ROUNDS} rounds x {BATCH} requests per case; median ns per request");
    let bare = median(times[0].clone());
    for (name, t) in names.iter().zip(&times) {
        let m = median(t.clone());
        println!("{name:<26} {m:>8.0} ns   x{:.2} of bare", m / bare);
    }
    let labels = [
        "guarded / bare",
        "guarded / actix-identity",
        "guarded, MemoryStore / guarded",
        "guarded, MemoryStore / actix-identity",
    ];
    for (label, r) in labels.iter().zip(ratios) {
        let label = format!("median per-round ratio {label}:");
        println!("{label:<62} {:.2}", median(r));
    }
}
