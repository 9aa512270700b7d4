//! Signing and verifying the two cookies, through public behaviour only (the codecs are private
//! to the runtime):
//!
//! - sign: `LoginManager::test_login(&user).session_cookie()` and `.remember_cookie(..)` build the
//!   exact cookie a login sets (encode the state, HMAC-SHA256 it, base64url both);
//! - verify: a request to `/maybe` (a `MaybeUser` handler) carrying the cookie, next to the same
//!   request to `/bare`, which never reads it. The difference between the two rows is what reading
//!   the cookie costs: parse the `Cookie` header, base64-decode, verify the HMAC, decode the state,
//!   check the client fingerprint, and call the (in-memory) loader.
//!
//! - content: the same sign and verify rows for `CookieContent::Signed` and
//!   `CookieContent::Private` side by side (group `content`), so the cost of encrypting the
//!   cookies reads as the difference between two neighbouring rows.
//!
//! - parts: what reading a session cookie is made of, on the real cookie value (base64url
//!   decoding of its payload and tag, HMAC-SHA256 of the payload), next to two candidates for
//!   making it cheaper: a SIMD base64 decoder (`base64-simd`) and the lookup a per-worker cache of
//!   verified values would need instead (a keyed hash of the value and a map lookup).
//!
//! Run: `cargo bench -p login-benches --bench cookies`; the parts only:
//! `cargo bench -p login-benches --bench cookies -- parts`; the content rows only:
//! `cargo bench -p login-benches --bench cookies -- content --warm-up-time 1 --measurement-time 3`

#![allow(clippy::panic, missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use actix_web::dev::Service;
use actix_web::http::StatusCode;
use actix_web::http::header::HeaderValue;
use actix_web::{App, test};
use criterion::{Criterion, criterion_group, criterion_main};
use login_benches::{BENCH_USER, SECRET, User, cookie_header, find_user, log_in, manager, request, routes};
use login_runtime::{CookieContent, LoginManager};

const YEAR: Duration = Duration::from_secs(365 * 24 * 3600);

fn sign(c: &mut Criterion) {
    let manager = manager();
    let user = find_user(BENCH_USER).unwrap_or_else(|| panic!("the benchmark user exists"));
    let login = manager.test_login(&user).fresh(true);
    let mut group = c.benchmark_group("sign");
    group
        .sample_size(50)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    group.bench_function("session cookie", |b| b.iter(|| black_box(login.session_cookie())));
    group.bench_function("remember cookie", |b| {
        b.iter(|| black_box(login.remember_cookie(black_box(YEAR))))
    });
    group.finish();
}

fn verify(c: &mut Criterion) {
    let sys = actix_rt::System::new();
    let app = sys.block_on(test::init_service(App::new().wrap(manager()).configure(routes)));
    let cookies = sys.block_on(log_in(&app, true));
    let find = |name: &str| {
        cookies
            .iter()
            .find(|c| c.name() == name)
            .unwrap_or_else(|| panic!("/login?remember=1 sets `{name}`"))
    };
    let session = find("session");
    let remember = find("remember_token");
    let mut forged = session.clone();
    let mut value = forged.value().to_owned();
    let last = if value.ends_with('A') { "B" } else { "A" };
    value.replace_range(value.len() - 1.., last);
    forged.set_value(value);

    let cases = [
        (
            "untouched route, session cookie",
            "/bare",
            cookie_header(std::slice::from_ref(session)),
            "hello bench",
        ),
        (
            "session cookie",
            "/maybe",
            cookie_header(std::slice::from_ref(session)),
            "hello bench",
        ),
        (
            "forged session cookie",
            "/maybe",
            cookie_header(std::slice::from_ref(&forged)),
            "hello anonymous",
        ),
        (
            "remember cookie, restores the session",
            "/maybe",
            cookie_header(std::slice::from_ref(remember)),
            "hello bench",
        ),
    ];
    let request = |uri: &str, cookie: &HeaderValue| request(uri, Some(cookie)).to_request();

    let mut group = c.benchmark_group("verify");
    group
        .sample_size(40)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    for (name, uri, cookie, expected) in &cases {
        let body = sys.block_on(test::call_and_read_body(&app, request(uri, cookie)));
        assert_eq!(&body[..], expected.as_bytes(), "{name}");
        group.bench_function(*name, |b| {
            b.iter(|| {
                let res = sys.block_on(app.call(request(uri, cookie)));
                black_box(
                    res.map(|r| r.status())
                        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                )
            })
        });
    }
    group.finish();
}

/// The benchmark manager with cookies of `content`.
fn content_manager(content: CookieContent) -> LoginManager<User> {
    LoginManager::<User>::builder(SECRET)
        .secure_cookies(false)
        .cookie_content(content)
        .build()
        .unwrap_or_else(|e| panic!("the benchmark configuration is valid: {e}"))
}

/// Signed next to private: sealing both cookies, and a `/maybe` request reading each.
fn content(c: &mut Criterion) {
    let sys = actix_rt::System::new();
    let user = find_user(BENCH_USER).unwrap_or_else(|| panic!("the benchmark user exists"));
    let mut group = c.benchmark_group("content");
    group
        .sample_size(40)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    for (label, content) in [
        ("signed", CookieContent::Signed),
        ("private", CookieContent::Private),
    ] {
        let manager = content_manager(content);
        let login = manager.test_login(&user).fresh(true);
        group.bench_function(format!("{label}: seal session cookie"), |b| {
            b.iter(|| black_box(login.session_cookie()))
        });
        group.bench_function(format!("{label}: seal remember cookie"), |b| {
            b.iter(|| black_box(login.remember_cookie(black_box(YEAR))))
        });
        let app = sys.block_on(test::init_service(App::new().wrap(manager).configure(routes)));
        let cookies = sys.block_on(log_in(&app, true));
        for name in ["session", "remember_token"] {
            let cookie = cookies
                .iter()
                .find(|c| c.name() == name)
                .unwrap_or_else(|| panic!("/login?remember=1 sets `{name}`"));
            let header = cookie_header(std::slice::from_ref(cookie));
            let req = || request("/maybe", Some(&header)).to_request();
            let body = sys.block_on(test::call_and_read_body(&app, req()));
            assert_eq!(&body[..], b"hello bench", "{label} {name}");
            group.bench_function(format!("{label}: /maybe with {name} cookie"), |b| {
                b.iter(|| {
                    let res = sys.block_on(app.call(req()));
                    black_box(
                        res.map(|r| r.status())
                            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                    )
                })
            });
        }
    }
    group.finish();
}

/// The pieces of verifying the real session cookie, and the candidates for them.
fn parts(c: &mut Criterion) {
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use hmac::{Hmac, Mac};

    let manager = manager();
    let user = find_user(BENCH_USER).unwrap_or_else(|| panic!("the benchmark user exists"));
    let cookie = manager.test_login(&user).session_cookie();
    let value = cookie.value().to_owned();
    let Some((payload, tag)) = value.split_once('.') else {
        panic!("a signed session cookie is `payload.tag`: {value}");
    };
    let decoded = URL_SAFE_NO_PAD
        .decode(payload)
        .unwrap_or_else(|e| panic!("the payload is base64url: {e}"));
    let simd = base64_simd::URL_SAFE_NO_PAD
        .decode_to_vec(payload)
        .unwrap_or_else(|e| panic!("base64-simd reads the payload: {e}"));
    assert_eq!(decoded, simd, "both decoders agree");
    let mac = Hmac::<sha2::Sha256>::new_from_slice(SECRET).unwrap_or_else(|e| panic!("{e}"));
    let cache: std::collections::HashMap<Box<[u8]>, Vec<u8>> =
        std::iter::once((value.as_bytes().into(), decoded.clone())).collect();

    let mut group = c.benchmark_group("parts");
    group
        .sample_size(40)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2));
    group.bench_function(
        format!("base64 crate: payload ({} chars) and tag", payload.len()),
        |b| {
            b.iter(|| {
                let mut buf = [0u8; 256];
                let mut tag_buf = [0u8; 48];
                let n = URL_SAFE_NO_PAD.decode_slice(black_box(payload), &mut buf).ok();
                let t = URL_SAFE_NO_PAD.decode_slice(black_box(tag), &mut tag_buf).ok();
                black_box((n, t, buf[0], tag_buf[0]))
            })
        },
    );
    group.bench_function("base64-simd: payload and tag", |b| {
        b.iter(|| {
            let mut buf = [0u8; 256];
            let mut tag_buf = [0u8; 48];
            let n = base64_simd::URL_SAFE_NO_PAD
                .decode(
                    black_box(payload.as_bytes()),
                    base64_simd::Out::from_slice(&mut buf),
                )
                .map(|d| d.len())
                .ok();
            let t = base64_simd::URL_SAFE_NO_PAD
                .decode(
                    black_box(tag.as_bytes()),
                    base64_simd::Out::from_slice(&mut tag_buf),
                )
                .map(|d| d.len())
                .ok();
            black_box((n, t))
        })
    });
    group.bench_function(
        format!("HMAC-SHA256 of the payload ({} bytes)", decoded.len()),
        |b| {
            b.iter(|| {
                let mut m = mac.clone();
                m.update(black_box(&decoded));
                black_box(m.finalize().into_bytes())
            })
        },
    );
    group.bench_function("cache floor: SipHash of the value and a map lookup", |b| {
        b.iter(|| black_box(cache.get(black_box(value.as_bytes())).map(Vec::len)))
    });
    group.finish();
}

criterion_group!(benches, sign, verify, content, parts);
criterion_main!(benches);
