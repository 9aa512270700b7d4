//! The "Active sessions" page: every device the user is logged in on, and the forms that log
//! one of them, or all the others, out.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, routes, web};
use actix_web_flash_messages::FlashMessage;
use login_runtime::{LoginSession, SessionHandle, login_required};
use minijinja::context;
use serde::Deserialize;

use super::{CsrfOnlyForm, see_other};
use crate::db::User;
use crate::devices::{self, Device};
use crate::render::Page;

/// Registers the routes of the page and its forms.
pub(super) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(sessions)
        .service(revoke_session)
        .service(revoke_other_sessions)
        .service(sessions_forms_get);
}

/// The page listing the user's logins, with `error` above the list when a form failed.
async fn sessions_page(
    page: Page,
    session: &LoginSession<User>,
    error: Option<&str>,
) -> actix_web::Result<HttpResponse> {
    // A store failure is answered by the runtime's 503 ("try again"), never an empty list.
    let now = devices::now_secs();
    let mut devices: Vec<Device> = session
        .live_sessions()
        .await?
        .iter()
        .map(|s| Device::of(s, now))
        .collect();
    // This device first, then the others newest first (the order they come in).
    devices.sort_by_key(|d| !d.current);
    let others = devices.iter().filter(|d| !d.current).count();
    Ok(page.render("sessions.html", context! { devices, others, error }))
}

/// Every device the user is logged in on, each with a button that logs it out.
#[get("/account/sessions")]
#[login_required]
async fn sessions(page: Page, session: LoginSession<User>) -> actix_web::Result<HttpResponse> {
    sessions_page(page, &session, None).await
}

#[derive(Deserialize)]
struct RevokeForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    handle: String,
}

/// Logs out one device of the user: its session and its remember cookie stop working on its
/// next request. A handle that is not one of the user's live logins (another user's, an old
/// one, garbage) revokes nothing and gets the page again with a 404. Logging out the current
/// device logs this browser out.
#[post("/account/sessions/revoke")]
#[login_required]
async fn revoke_session(
    page: Page,
    form: web::Form<RevokeForm>,
    session: LoginSession<User>,
) -> actix_web::Result<HttpResponse> {
    const GONE: &str = "That device is not logged in to your account: it may have logged out already.";
    page.csrf().verify(&form.csrf_token)?;
    let handle = form.handle.trim().parse::<SessionHandle>().ok();
    // Looked up first, for the message: which device it was, and whether it is this one.
    let live = session.live_sessions().await?;
    let found = handle.and_then(|h| live.into_iter().find(|s| s.handle == h));
    let revoked = match &found {
        Some(target) => session.revoke_session(&target.handle).await?,
        None => false,
    };
    // Not revoked although found: it ended between the two calls (logged out, or revoked from
    // another device).
    let Some(target) = found.filter(|_| revoked) else {
        return sessions_page(page.status(StatusCode::NOT_FOUND), &session, Some(GONE)).await;
    };
    if target.current {
        FlashMessage::info("You have been logged out on this device.").send();
        return Ok(see_other("/"));
    }
    FlashMessage::success(format!(
        "Logged out {} (logged in {}).",
        devices::describe(&target.user_agent),
        devices::utc(target.created_at)
    ))
    .send();
    Ok(see_other("/account/sessions"))
}

/// Logs out every device of the user but this one.
#[post("/account/sessions/revoke-others")]
#[login_required]
async fn revoke_other_sessions(
    page: Page,
    form: web::Form<CsrfOnlyForm>,
    session: LoginSession<User>,
) -> actix_web::Result<HttpResponse> {
    page.csrf().verify(&form.csrf_token)?;
    match session.revoke_other_sessions().await? {
        0 => FlashMessage::info("You were not logged in on any other device.").send(),
        1 => FlashMessage::success("Logged out 1 other device.").send(),
        n => FlashMessage::success(format!("Logged out {n} other devices.")).send(),
    }
    Ok(see_other("/account/sessions"))
}

/// `GET` of the sessions forms' targets, which a login redirect can land on: go to the page.
#[routes]
#[get("/account/sessions/revoke")]
#[get("/account/sessions/revoke-others")]
async fn sessions_forms_get() -> HttpResponse {
    see_other("/account/sessions")
}
