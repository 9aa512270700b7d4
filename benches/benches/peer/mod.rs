//! The peer doing the same job: actix-identity on actix-session's cookie store, with the session
//! cookie signed (HMAC, like ours) rather than encrypted, and the user looked up in the same
//! in-memory table on every request. [`app_with`] puts the same app on another actix-session
//! store (the load server uses it with `RedisSessionStore`).

use actix_identity::{Identity, IdentityMiddleware};
use actix_session::SessionMiddleware;
use actix_session::config::CookieContentSecurity;
use actix_session::storage::{CookieSessionStore, SessionStore};
use actix_web::cookie::Key;
use actix_web::{App, HttpMessage, HttpRequest, HttpResponse, web};
use login_benches::{BENCH_USER, find_user};

/// `/login` logs the benchmark user in; `/guarded` answers 401 without an identity and reads the
/// user otherwise, like a `#[login_required]` route that takes `CurrentUser`.
pub(crate) fn app() -> App<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    app_with(CookieSessionStore::default())
}

/// The same app on the actix-session store `store`. The session cookie is signed in every case
/// (with a server-side store it holds actix-session's random session key, as ours holds a signed
/// random id).
pub(crate) fn app_with<S: SessionStore + 'static>(
    store: S,
) -> App<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let key = Key::from(&[7u8; 64]);
    let session = SessionMiddleware::builder(store, key)
        .cookie_content_security(CookieContentSecurity::Signed)
        .cookie_secure(false)
        .build();
    App::new()
        .wrap(IdentityMiddleware::default())
        .wrap(session)
        .route("/login", web::get().to(login))
        .route("/guarded", web::get().to(guarded))
}

async fn login(req: HttpRequest) -> actix_web::Result<HttpResponse> {
    Identity::login(&req.extensions(), BENCH_USER.to_owned())?;
    Ok(HttpResponse::Ok().body("logged in"))
}

async fn guarded(identity: Identity) -> actix_web::Result<String> {
    let id = identity.id()?;
    let user = find_user(&id).ok_or_else(|| actix_web::error::ErrorUnauthorized("unknown user"))?;
    Ok(format!("hello {}", user.id))
}
