//! Other attributes on the handler stay where they are and see the handler as written, including
//! attribute macros that read the signature (`tracing::instrument`).
use actix_web::{App, get, web};
use login_runtime::login_required;
use login_runtime::{CurrentUser, UserMixin, user_loader};

#[derive(Clone, UserMixin)]
pub struct User {
    pub id: String,
}

#[user_loader]
async fn load_user(id: String) -> Option<User> {
    Some(User { id })
}

/// Documentation stays on the handler.
#[get("/traced/{id}")]
#[login_required]
#[tracing::instrument(skip(user))]
#[allow(clippy::unused_async)]
#[must_use = "handlers are awaited by actix-web"]
async fn traced(user: CurrentUser<User>, id: web::Path<u32>) -> String {
    format!("{} {}", user.id, id.into_inner())
}

#[cfg(any())]
#[login_required]
async fn compiled_out() -> &'static str {
    "never built"
}

#[login_required]
#[inline(never)]
#[deprecated = "kept for old clients"]
pub async fn old_route(#[allow(unused_variables)] user: CurrentUser<User>) -> &'static str {
    "old"
}

#[allow(deprecated)]
fn main() {
    let _ = App::new().service(traced).route("/old", web::get().to(old_route));
}
