//! The handlers (those of the "Active sessions" page in `routes/sessions.rs`, the admin page
//! in [`admin`](crate::admin)). Every form handler checks the CSRF token first, validates its
//! fields and answers a mistake with the same page and a message (4xx), never a server error.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, get, post, web};
use actix_web_flash_messages::FlashMessage;
use login_runtime::{CurrentUser, LoginSession, fresh_login_required, login_required};
use minijinja::context;
use serde::{Deserialize, Serialize};

use crate::auth::{self, CheckError};
use crate::db::{Db, User};
use crate::render::Page;

mod sessions;

/// An Argon2 hash of nothing, checked when a login names an unknown user so that it takes as
/// long as a wrong password.
#[derive(Debug)]
pub struct DummyHash(pub String);

/// Registers every route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(index)
        .service(healthz)
        .service(register_form)
        .service(register)
        .service(login_form)
        .service(login)
        .service(logout)
        .service(profile)
        .service(create_token)
        .service(create_token_get)
        .service(revoke_token)
        .service(reauth_form)
        .service(reauth)
        .service(settings)
        .service(change_password)
        .service(change_password_get)
        .configure(sessions::configure)
        .service(api_me)
        .configure(crate::admin::configure)
        .default_service(web::to(not_found));
}

/// Form bodies that cannot be read at all (wrong content type, too large, a field given twice)
/// get a 400 page that says so and links back.
pub fn form_config() -> web::FormConfig {
    web::FormConfig::default()
        .limit(16 * 1024)
        .error_handler(|err, _req| {
            let reason = err.to_string().replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
            let response = HttpResponse::BadRequest()
                .content_type("text/html; charset=utf-8")
                .body(format!(
                    "<!doctype html><html><head><meta charset=\"utf-8\"><title>Form not readable</title></head>\
                     <body style=\"font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto\">\
                     <h1>The form could not be read</h1><p>{reason}.</p>\
                     <p>Go back, reload the page and send the form again.</p>\
                     <p><a href=\"/\">Home</a></p></body></html>"
                ));
            actix_web::error::InternalError::from_response(err, response).into()
        })
}

fn see_other(to: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, to))
        .finish()
}

/// A failure that is not the user's: logged, answered with a 500 page.
pub(crate) fn internal(what: &str, err: impl std::fmt::Display) -> actix_web::Error {
    tracing::error!(error = %err, "{what}");
    actix_web::error::ErrorInternalServerError(format!("500 Internal Server Error: {what}"))
}

/// The first `next` of a query string: a repeated or malformed `next` still gets the page.
fn next_param(query: web::Query<Vec<(String, String)>>) -> String {
    query
        .into_inner()
        .into_iter()
        .find(|(name, _)| name == "next")
        .map(|(_, value)| value)
        .unwrap_or_default()
}

#[get("/")]
async fn index(page: Page) -> HttpResponse {
    page.render("index.html", context! {})
}

/// For load balancers: touches neither the session nor the database.
#[get("/healthz")]
async fn healthz() -> &'static str {
    "ok"
}

async fn not_found(page: Page) -> HttpResponse {
    page.status(StatusCode::NOT_FOUND)
        .render("not_found.html", context! {})
}

// ---- registration ----------------------------------------------------------------------------

#[derive(Deserialize)]
struct RegisterForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

#[get("/register")]
async fn register_form(page: Page) -> HttpResponse {
    page.render("register.html", context! {})
}

#[post("/register")]
async fn register(
    page: Page,
    form: web::Form<RegisterForm>,
    db: web::Data<Db>,
) -> actix_web::Result<HttpResponse> {
    page.csrf().verify(&form.csrf_token)?;
    let username = form.username.trim();
    let problem = auth::username_problem(username)
        .map(str::to_owned)
        .or_else(|| auth::password_problem(&form.password, &form.confirm));
    if let Some(error) = problem {
        return Ok(page
            .status(StatusCode::UNPROCESSABLE_ENTITY)
            .render("register.html", context! { error, username }));
    }
    let hash = auth::hash_password(form.password.clone())
        .await
        .map_err(|e| internal("could not hash the password", e))?;
    match db
        .create_user(username, &hash)
        .await
        .map_err(|e| internal("could not create the user", e))?
    {
        Ok(user) => {
            tracing::info!(user = user.id, "registered");
            FlashMessage::success(format!(
                "Welcome, {}! Your account is ready: log in below.",
                user.username
            ))
            .send();
            Ok(see_other("/login"))
        }
        Err(_taken) => Ok(page.status(StatusCode::CONFLICT).render(
            "register.html",
            context! { error => "That username is already taken. Choose another one.", username },
        )),
    }
}

// ---- login and logout ------------------------------------------------------------------------

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    remember: Option<String>,
    #[serde(default)]
    next: String,
}

#[get("/login")]
async fn login_form(page: Page, query: web::Query<Vec<(String, String)>>) -> HttpResponse {
    let next = next_param(query);
    page.render("login.html", context! { next })
}

#[post("/login")]
async fn login(
    page: Page,
    form: web::Form<LoginForm>,
    session: LoginSession<User>,
    db: web::Data<Db>,
    dummy: web::Data<DummyHash>,
) -> actix_web::Result<HttpResponse> {
    page.csrf().verify(&form.csrf_token)?;
    let username = form.username.trim();
    let remember = form.remember.is_some();
    let next = form.next.as_str();
    if username.is_empty() || form.password.is_empty() {
        return Ok(page.status(StatusCode::UNPROCESSABLE_ENTITY).render(
            "login.html",
            context! { error => "Enter your username and your password.", username, next, remember },
        ));
    }
    let user = match auth::check_credentials(&db, &dummy.0, username, &form.password).await {
        Ok(user) => user,
        Err(CheckError::WrongCredentials) => {
            return Ok(page.status(StatusCode::UNAUTHORIZED).render(
                "login.html",
                context! { error => "Wrong username or password.", username, next, remember },
            ));
        }
        Err(CheckError::Internal(e)) => return Err(internal("could not check the password", e)),
    };
    session.login_user(&user).remember(remember).await?;
    FlashMessage::success(format!("Logged in as {}.", user.username)).send();
    // `safe_next` accepts only paths on this site: `?next=https://evil.example/` is ignored.
    let target = session
        .safe_next(Some(next))
        .unwrap_or_else(|| "/profile".to_owned());
    Ok(see_other(&target))
}

#[derive(Deserialize)]
struct CsrfOnlyForm {
    #[serde(default)]
    csrf_token: String,
}

/// Logging out is a `POST` with a CSRF token, so another site cannot log users out.
#[post("/logout")]
async fn logout(
    page: Page,
    form: web::Form<CsrfOnlyForm>,
    session: LoginSession<User>,
) -> actix_web::Result<HttpResponse> {
    page.csrf().verify(&form.csrf_token)?;
    session.logout_user().await;
    FlashMessage::info("You have been logged out.").send();
    Ok(see_other("/"))
}

// ---- profile and API token -------------------------------------------------------------------

async fn profile_page(
    page: Page,
    session: &LoginSession<User>,
    new_token: Option<String>,
) -> actix_web::Result<HttpResponse> {
    let fresh = session
        .login_fresh()
        .await
        .map_err(|e| internal("could not load the user", e))?;
    let remembered = session
        .login_remembered()
        .await
        .map_err(|e| internal("could not load the user", e))?;
    Ok(page.render("profile.html", context! { fresh, remembered, new_token }))
}

#[get("/profile")]
#[login_required]
async fn profile(page: Page, session: LoginSession<User>) -> actix_web::Result<HttpResponse> {
    profile_page(page, &session, None).await
}

/// Creates a new API token (replacing any old one) and shows it once.
#[post("/profile/token")]
#[login_required]
async fn create_token(
    mut page: Page,
    form: web::Form<CsrfOnlyForm>,
    user: CurrentUser<User>,
    session: LoginSession<User>,
    db: web::Data<Db>,
) -> actix_web::Result<HttpResponse> {
    page.csrf().verify(&form.csrf_token)?;
    let (token, hash) = auth::new_api_token().map_err(|e| internal("could not create a token", e))?;
    db.set_api_token_hash(user.id, Some(&hash))
        .await
        .map_err(|e| internal("could not store the token", e))?;
    if let Some(u) = page.user_mut() {
        u.has_api_token = true;
    }
    // The page itself says to copy the token now: a flash would only show on the next page,
    // after the token is gone.
    profile_page(page, &session, Some(token)).await
}

/// `GET` of the token form's target, which a login or re-authentication redirect can land on
/// (the guard sends a refused `POST` back to its path as `next`): go to the profile.
#[get("/profile/token")]
async fn create_token_get() -> HttpResponse {
    see_other("/profile")
}

/// Deletes the user's API token.
#[post("/profile/token/revoke")]
#[login_required]
async fn revoke_token(
    page: Page,
    form: web::Form<CsrfOnlyForm>,
    user: CurrentUser<User>,
    db: web::Data<Db>,
) -> actix_web::Result<HttpResponse> {
    page.csrf().verify(&form.csrf_token)?;
    db.set_api_token_hash(user.id, None)
        .await
        .map_err(|e| internal("could not delete the token", e))?;
    FlashMessage::info("API token deleted.").send();
    Ok(see_other("/profile"))
}

#[derive(Serialize)]
struct Me<'a> {
    id: i64,
    username: &'a str,
}

/// The JSON API: `Authorization: Bearer <token>` (or the session cookie). Refusals are JSON 401s.
#[get("/api/me")]
#[login_required(json)]
async fn api_me(user: CurrentUser<User>) -> HttpResponse {
    HttpResponse::Ok().json(Me {
        id: user.id,
        username: &user.username,
    })
}

// ---- re-authentication and settings ----------------------------------------------------------

#[get("/reauth")]
#[login_required]
async fn reauth_form(page: Page, query: web::Query<Vec<(String, String)>>) -> HttpResponse {
    let next = next_param(query);
    page.render("reauth.html", context! { next })
}

#[derive(Deserialize)]
struct ReauthForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// Confirms the password of a remembered (non-fresh) login, making it fresh again.
#[post("/reauth")]
#[login_required]
async fn reauth(
    page: Page,
    form: web::Form<ReauthForm>,
    user: CurrentUser<User>,
    session: LoginSession<User>,
) -> actix_web::Result<HttpResponse> {
    page.csrf().verify(&form.csrf_token)?;
    let next = form.next.as_str();
    let error = if form.password.is_empty() {
        Some("Enter your password.")
    } else if !auth::verify_password(form.password.clone(), user.password_hash.clone())
        .await
        .map_err(|e| internal("could not check the password", e))?
    {
        Some("Wrong password.")
    } else {
        None
    };
    if let Some(error) = error {
        let status = if form.password.is_empty() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::UNAUTHORIZED
        };
        return Ok(page
            .status(status)
            .render("reauth.html", context! { error, next }));
    }
    session
        .confirm_login()
        .await
        .map_err(|e| internal("could not load the user", e))?;
    FlashMessage::success("Password confirmed.").send();
    let target = session
        .safe_next(Some(next))
        .unwrap_or_else(|| "/settings".to_owned());
    Ok(see_other(&target))
}

/// Account settings: only with a fresh login (a password typed in this browser session).
#[get("/settings")]
#[fresh_login_required]
async fn settings(page: Page) -> HttpResponse {
    page.render("settings.html", context! {})
}

#[derive(Deserialize)]
struct PasswordForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

/// `GET` of the password form's target, which a re-authentication redirect can land on: go to
/// the settings page, where the form is.
#[get("/settings/password")]
async fn change_password_get() -> HttpResponse {
    see_other("/settings")
}

/// Changes the password. The password hash is the user's auth hash, so every other session and
/// remember cookie of the user stops working; `update_auth_hash` keeps this browser's login (and
/// its remember cookie, if any) valid.
#[post("/settings/password")]
#[fresh_login_required]
async fn change_password(
    page: Page,
    form: web::Form<PasswordForm>,
    user: CurrentUser<User>,
    session: LoginSession<User>,
    db: web::Data<Db>,
) -> actix_web::Result<HttpResponse> {
    page.csrf().verify(&form.csrf_token)?;
    if let Some(error) = auth::password_problem(&form.password, &form.confirm) {
        return Ok(page
            .status(StatusCode::UNPROCESSABLE_ENTITY)
            .render("settings.html", context! { error }));
    }
    let hash = auth::hash_password(form.password.clone())
        .await
        .map_err(|e| internal("could not hash the password", e))?;
    db.set_password_hash(user.id, &hash)
        .await
        .map_err(|e| internal("could not store the password", e))?;
    let mut updated = User::clone(&user);
    updated.password_hash = hash;
    session
        .update_auth_hash(&updated)
        .await
        .map_err(|e| internal("could not update the login", e))?;
    FlashMessage::success("Password changed. Your other sessions have been logged out.").send();
    Ok(see_other("/settings"))
}
