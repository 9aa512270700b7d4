//! The administrators' page and the "403 Forbidden" page.
//!
//! `GET /admin` lists every account, with when it registered and whether it is an
//! administrator. It is guarded by `#[login_required(permission = Perm::Admin)]`: an anonymous
//! visitor is sent to the login page as on any login-required page; a logged-in user without
//! the permission gets [`forbidden`], a 403 page in the app's templates (never a redirect to
//! the login page, which would not help, and never a logout). The page only reads: who is an
//! administrator is decided on the command line ([`permissions`](crate::permissions)).

use actix_web::http::StatusCode;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, get, web};
use login_runtime::{LoginEvent, RefusalContext, login_required};
use minijinja::context;
use minijinja::value::Value;

use crate::db::{Db, User};
use crate::devices;
use crate::permissions::Perm;
use crate::render::Page;
use crate::routes::internal;

/// Registers the admin routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(admin_page);
}

/// Every account, oldest first.
#[get("/admin")]
#[login_required(permission = Perm::Admin, user = User)]
async fn admin_page(page: Page, db: web::Data<Db>) -> actix_web::Result<HttpResponse> {
    let now = devices::now_secs();
    let me = page.user().map(|u| u.id);
    let users = db
        .all_users()
        .await
        .map_err(|e| internal("could not list the users", e))?;
    let admins = users.iter().filter(|u| u.admin).count();
    let rows: Vec<Value> = users
        .iter()
        .map(|u| {
            let created = u64::try_from(u.created_at).unwrap_or(0);
            context! {
                id => u.id,
                username => u.username.clone(),
                registered => devices::utc(created),
                registered_ago => devices::ago(created, now),
                admin => u.admin,
                has_api_token => u.has_api_token,
                me => Some(u.id) == me,
            }
        })
        .collect();
    Ok(page.render(
        "admin.html",
        context! { users => rows, count => users.len(), admins },
    ))
}

/// The user a permission guard has just refused, kept in the request for [`forbidden`]: the
/// forbidden handler is a plain function that cannot await the user, while the guard's
/// [`LoginEvent::Forbidden`], fired just before, names them.
struct Refused(User);

/// The event hook that keeps the refused user for [`forbidden`]'s page header.
pub fn keep_refused_user(req: &HttpRequest, event: &LoginEvent<'_, User>) {
    if let LoginEvent::Forbidden(user) = event {
        req.extensions_mut().insert(Refused(User::clone(user)));
    }
}

/// The `forbidden_handler`: a logged-in user lacks a route's permission. A 403 page in the
/// app's templates, with the user still shown as logged in and a link home. (The app's only
/// permission routes are HTML pages; a JSON route would need a JSON answer here.)
pub fn forbidden(req: &HttpRequest, _refusal: &RefusalContext) -> HttpResponse {
    let user = req.extensions_mut().remove::<Refused>().map(|r| r.0);
    match Page::for_refusal(req, user) {
        Ok(page) => page
            .status(StatusCode::FORBIDDEN)
            .render("forbidden.html", context! { path => req.path() }),
        Err(err) => {
            tracing::error!(error = %err, "the 403 page could not be built");
            HttpResponse::Forbidden()
                .content_type("text/plain; charset=utf-8")
                .body("403 Forbidden: you do not have permission to access this page.")
        }
    }
}
