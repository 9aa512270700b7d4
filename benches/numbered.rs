//! A user type whose loader allocates nothing: a `u64` id and a `Copy` row. With it a guarded
//! request shows what the login layer itself allocates, with no allocation of the loader's own
//! (the [`User`](crate::User) loader takes a `String` id and clones a row with a `String` in
//! it: two allocations of its own per request).

use actix_web::{HttpResponse, get, web};
use login_runtime::{CurrentUser, LoginManager, LoginSession, UserMixin, login_required, user_loader};

use crate::{BENCH_USER, body};

/// A user with a numeric id and nothing on the heap.
#[derive(Clone, Copy, Debug, UserMixin)]
pub struct Numbered {
    /// The user id.
    pub id: u64,
    /// Inactive users count as anonymous.
    #[user(active)]
    pub active: bool,
}

/// The id the benchmark logs in as.
pub const NUMBERED_USER: u64 = 7;

/// The user table: ids 1 to 16, all active.
static NUMBERED: [Numbered; 16] = {
    let mut rows = [Numbered { id: 0, active: true }; 16];
    let mut i = 0;
    while i < rows.len() {
        rows[i].id = i as u64 + 1;
        i += 1;
    }
    rows
};

/// The loader: a copy of the row, no allocation.
#[user_loader]
async fn load_numbered(id: u64) -> Option<Numbered> {
    NUMBERED.iter().find(|row| row.id == id).copied()
}

/// The benchmark manager for [`Numbered`]: the settings of [`manager`](crate::manager).
pub fn numbered_manager() -> LoginManager<Numbered> {
    crate::manager_for()
}

/// `/guarded` for a [`Numbered`] user: the same body as every other route.
#[get("/guarded")]
#[login_required]
async fn numbered_guarded(user: CurrentUser<Numbered>) -> String {
    std::hint::black_box(user.id);
    body(BENCH_USER)
}

/// Logs the benchmark user in.
#[get("/login")]
async fn numbered_login(session: LoginSession<Numbered>) -> actix_web::Result<HttpResponse> {
    let Some(user) = NUMBERED.iter().find(|row| row.id == NUMBERED_USER) else {
        return Ok(HttpResponse::NotFound().finish());
    };
    session.login_user(user).await?;
    Ok(HttpResponse::Ok().body("logged in"))
}

/// Registers `/bare`, `/guarded` and `/login` for [`Numbered`] (the layout of
/// [`routes`](crate::routes)).
pub fn numbered_routes(cfg: &mut web::ServiceConfig) {
    cfg.service(crate::bare)
        .service(numbered_guarded)
        .service(numbered_login);
}
