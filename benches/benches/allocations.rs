//! Heap allocations per request, counted with a counting global allocator (`stats_alloc`).
//!
//! Not a criterion benchmark: it runs each case a fixed number of times on one thread, after a
//! warm-up, and prints allocations per request (allocations + reallocations), bytes per
//! request, and the difference from the bare actix-web row. Each case is counted over two batch
//! sizes; equal figures show the count is fixed per request (nothing grows with traffic).
//!
//! The authorization rows (`/permission`, `/check`, and the `Member` user who keeps its
//! permissions in a field) also print their difference from the plain `/guarded` row of the same
//! user type: what the permission check itself costs.
//!
//! Run: `cargo bench -p login-benches --bench allocations`

#![allow(clippy::panic, missing_docs)]

mod peer;

use std::alloc::System;
use std::time::Duration;

use actix_rt::SystemRunner;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{App, test};
use login_benches::{
    BENCH_USER, check_routes, cookie_header, find_user, log_in, manager, member_manager,
    member_permission_routes, member_routes, numbered_manager, numbered_routes, permission_routes, request,
    routes, store_manager,
};
use login_runtime::store::MemoryStore;
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

const WARM_UP: u32 = 200;
const BATCHES: [u32; 2] = [1_000, 10_000];
/// The index of the `login-runtime, /guarded` row (the authorization rows compare with it).
const GUARDED: usize = 4;
/// The index of the `Member (set in a field), /guarded` row.
const MEMBER_GUARDED: usize = 10;

/// A row: its name, (allocations, bytes) per request for each batch size, and the index of the
/// row it is compared with beyond bare (the authorization rows).
type Row<'a> = (&'a str, Vec<(f64, f64)>, Option<usize>);

/// Allocations (including reallocations) and bytes per call of `f`, over `n` calls.
fn count(n: u32, mut f: impl FnMut()) -> (f64, f64) {
    let region = Region::new(GLOBAL);
    for _ in 0..n {
        f();
    }
    let stats = region.change();
    let allocs = (stats.allocations + stats.reallocations) as f64 / f64::from(n);
    let bytes = stats.bytes_allocated as f64 / f64::from(n);
    (allocs, bytes)
}

/// Counts one route: checks it answers 200 without `Set-Cookie`, warms up, then counts.
fn route<S, B>(sys: &SystemRunner, app: &S, uri: &str, cookie: Option<&HeaderValue>) -> Vec<(f64, f64)>
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
{
    let request = || request(uri, cookie).to_request();
    let res = sys
        .block_on(app.call(request()))
        .unwrap_or_else(|e| panic!("{uri}: {e}"));
    assert_eq!(res.status(), StatusCode::OK, "{uri}");
    assert!(
        res.headers().get(header::SET_COOKIE).is_none(),
        "{uri}: steady state"
    );
    drop(res);
    let mut hit = || {
        let status = sys.block_on(app.call(request())).map(|r| r.status());
        assert_eq!(status.ok(), Some(StatusCode::OK));
    };
    count(WARM_UP, &mut hit);
    BATCHES.iter().map(|&n| count(n, &mut hit)).collect()
}

fn main() {
    let sys = actix_rt::System::new();
    let manager = manager();
    let bare_app = sys.block_on(test::init_service(App::new().configure(routes)));
    let login_app = sys.block_on(test::init_service(
        App::new().wrap(manager.clone()).configure(routes),
    ));
    let peer_app = sys.block_on(test::init_service(peer::app()));
    let memory_app = sys.block_on(test::init_service(
        App::new()
            .wrap(store_manager(MemoryStore::new()))
            .configure(routes),
    ));
    // The authorization cases: each route in the place `/guarded` has in `routes`, under a
    // manager of its own (the same settings), and the same cookie, since the managers share the
    // secret and the login is the same user.
    let permission_app = sys.block_on(test::init_service(
        App::new().wrap(manager.clone()).configure(permission_routes),
    ));
    let check_app = sys.block_on(test::init_service(
        App::new().wrap(manager.clone()).configure(check_routes),
    ));
    let members = member_manager();
    let member_app = sys.block_on(test::init_service(
        App::new().wrap(members.clone()).configure(member_routes),
    ));
    let member_permission_app = sys.block_on(test::init_service(
        App::new().wrap(members).configure(member_permission_routes),
    ));
    // A user type whose loader allocates nothing (`u64` id, `Copy` row): what is left over
    // bare is the login layer's own.
    let numbered_app = sys.block_on(test::init_service(
        App::new().wrap(numbered_manager()).configure(numbered_routes),
    ));
    let numbered = cookie_header(&sys.block_on(log_in(&numbered_app, false)));
    let ours = cookie_header(&sys.block_on(log_in(&login_app, false)));
    let memory = cookie_header(&sys.block_on(log_in(&memory_app, false)));
    let theirs = cookie_header(&sys.block_on(log_in(&peer_app, false)));
    let member = cookie_header(&sys.block_on(log_in(&member_app, false)));

    // Request rows: (name, counts, index of the row to compare with beyond bare).
    let mut rows: Vec<Row<'_>> = vec![
        (
            "bare actix-web, /bare",
            route(&sys, &bare_app, "/bare", Some(&ours)),
            None,
        ),
        (
            "login-runtime, /bare, no cookie",
            route(&sys, &login_app, "/bare", None),
            None,
        ),
        (
            "login-runtime, /bare (untouched)",
            route(&sys, &login_app, "/bare", Some(&ours)),
            None,
        ),
        (
            "login-runtime, /maybe (MaybeUser)",
            route(&sys, &login_app, "/maybe", Some(&ours)),
            None,
        ),
        (
            "login-runtime, /guarded",
            route(&sys, &login_app, "/guarded", Some(&ours)),
            None,
        ),
        (
            "/guarded, loader allocating nothing",
            route(&sys, &numbered_app, "/guarded", Some(&numbered)),
            None,
        ),
        (
            "actix-identity, /guarded",
            route(&sys, &peer_app, "/guarded", Some(&theirs)),
            None,
        ),
        (
            "login-runtime, /guarded, MemoryStore",
            route(&sys, &memory_app, "/guarded", Some(&memory)),
            None,
        ),
        (
            "/permission, permission_loader",
            route(&sys, &permission_app, "/permission", Some(&ours)),
            Some(GUARDED),
        ),
        (
            "/check, check = fn",
            route(&sys, &check_app, "/check", Some(&ours)),
            Some(GUARDED),
        ),
        (
            "Member (set in a field), /guarded",
            route(&sys, &member_app, "/guarded", Some(&member)),
            Some(GUARDED),
        ),
        (
            "Member, /permission, field",
            route(&sys, &member_permission_app, "/permission", Some(&member)),
            Some(MEMBER_GUARDED),
        ),
    ];
    assert_eq!(rows[GUARDED].0, "login-runtime, /guarded");
    assert_eq!(rows[MEMBER_GUARDED].0, "Member (set in a field), /guarded");
    let requests = rows.len();

    let user = find_user(BENCH_USER).unwrap_or_else(|| panic!("the benchmark user exists"));
    let login = manager.test_login(&user);
    let sign_session = BATCHES
        .iter()
        .map(|&n| {
            count(n, || {
                std::hint::black_box(login.session_cookie());
            })
        })
        .collect();
    let sign_remember = BATCHES
        .iter()
        .map(|&n| {
            count(n, || {
                std::hint::black_box(login.remember_cookie(Duration::from_secs(86_400)));
            })
        })
        .collect();
    rows.push(("sign session cookie (test_login)", sign_session, None));
    rows.push(("sign remember cookie (test_login)", sign_remember, None));

    let base = rows[0].1[0].0;
    println!(
        "{:<36} {:>12} {:>12} {:>10} {:>12}   vs the plain guarded row",
        "case", "allocs/req", "allocs/req", "vs bare", "bytes/req"
    );
    println!(
        "{:<36} {:>12} {:>12} {:>10} {:>12}",
        "",
        format!("(n={})", BATCHES[0]),
        format!("(n={})", BATCHES[1]),
        "",
        ""
    );
    for (i, (name, counts, against)) in rows.iter().enumerate() {
        let (small, bytes) = counts[0];
        let (large, _) = counts[1];
        let delta = if i < requests {
            format!("{:+.2}", small - base)
        } else {
            "-".to_owned()
        };
        let versus = against.map_or_else(String::new, |j| {
            let (allocs, plain_bytes) = rows[j].1[0];
            format!(
                "{:+.2} allocs, {:+.0} bytes vs {}",
                small - allocs,
                bytes - plain_bytes,
                rows[j].0
            )
        });
        println!("{name:<36} {small:>12.2} {large:>12.2} {delta:>10} {bytes:>12.0}   {versus}");
    }
}
