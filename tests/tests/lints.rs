//! The code the macros generate is clean under strict lints, so users who deny them are not
//! punished for using the macros. `cargo clippy --all-targets` checks the `clippy::` ones
//! (`clippy::nursery` is left out: its `future_not_send` fires on every actix-web handler).
//! `non_ascii_idents` and `clippy::cargo` only work at crate level, so `main.rs` denies them for
//! the whole binary.
#![deny(
    warnings,
    missing_docs,
    missing_debug_implementations,
    unused_qualifications,
    unused_results,
    unused_lifetimes,
    single_use_lifetimes,
    unreachable_pub,
    unsafe_code,
    trivial_casts,
    trivial_numeric_casts,
    variant_size_differences,
    elided_lifetimes_in_paths,
    explicit_outlives_requirements,
    rust_2018_idioms,
    let_underscore_drop,
    clippy::all,
    clippy::pedantic
)]
#![allow(clippy::unused_async)]

use actix_web::{HttpRequest, HttpResponse, get, web};
use login_runtime::{
    CurrentUser, UserMixin, fresh_login_required, login_required, request_loader, user_loader,
};

/// A user.
#[derive(Clone, Debug, UserMixin)]
pub struct User {
    /// The id.
    pub id: String,
    /// Whether the account may log in.
    #[user(active)]
    pub active: bool,
    /// A password hash.
    #[user(auth_hash)]
    pub password_hash: String,
}

/// Loads a user.
///
/// # Errors
///
/// When the pool fails.
#[user_loader]
pub async fn load_user(id: String, pool: web::Data<Pool>) -> Result<Option<User>, std::io::Error> {
    Ok(pool.users.iter().find(|u| u.id == id).cloned())
}

/// A pool.
#[derive(Debug)]
pub struct Pool {
    users: Vec<User>,
}

/// Loads a user from an API key.
#[request_loader]
pub async fn api_key(req: HttpRequest) -> Option<User> {
    let key = req.headers().get("x-api-key")?.to_str().ok()?;
    Some(User {
        id: key.to_owned(),
        active: true,
        password_hash: String::new(),
    })
}

/// A guarded route (not `pub`: `#[get]` moves the function where `pub` is unreachable).
#[get("/a")]
#[login_required]
async fn plain(user: CurrentUser<User>) -> HttpResponse {
    HttpResponse::Ok().body(user.id.clone())
}

/// A guarded route with options.
#[login_required(json, login_view = "/login")]
#[get("/b")]
async fn with_options(user: CurrentUser<User>) -> HttpResponse {
    HttpResponse::Ok().body(user.id.clone())
}

/// A fresh route with options.
#[fresh_login_required(max_age = "10m", refresh_view = "/reauth")]
pub async fn fresh(user: CurrentUser<User>) -> HttpResponse {
    HttpResponse::Ok().body(user.id.clone())
}

/// A guarded handler with 7 parameters: the guard is an eighth that the user never wrote, so it
/// must not trip `clippy::too_many_arguments` (denied by `clippy::all` above).
#[login_required]
#[allow(clippy::needless_pass_by_value)]
pub async fn seven(
    user: CurrentUser<User>,
    req: HttpRequest,
    pool: web::Data<Pool>,
    small: web::Data<u8>,
    medium: web::Data<u16>,
    large: web::Data<u32>,
    huge: web::Data<u64>,
) -> HttpResponse {
    drop((req, pool, small, medium, large, huge));
    HttpResponse::Ok().body(user.id.clone())
}

#[test]
fn generated_code_passes_strict_lints() {
    let app = actix_web::App::new()
        .app_data(web::Data::new(Pool { users: Vec::new() }))
        .service(plain)
        .service(with_options)
        .route("/c", web::get().to(fresh))
        .route("/d", web::get().to(seven));
    drop(app);
    assert!(
        User {
            id: "a".into(),
            active: false,
            password_hash: String::new()
        }
        .get_id()
            == "a"
    );
}
