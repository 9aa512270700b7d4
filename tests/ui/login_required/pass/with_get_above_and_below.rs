//! The guard composes with actix-web's route macros in either order.
use actix_web::{App, get, post};
use login_runtime::login_required;
use login_runtime::{CurrentUser, UserMixin, user_loader};

#[derive(Clone, UserMixin)]
struct User {
    id: String,
}

#[user_loader]
async fn load_user(id: String) -> Option<User> {
    Some(User { id })
}

#[get("/above")]
#[login_required]
async fn route_above(user: CurrentUser<User>) -> String {
    user.id.clone()
}

#[login_required]
#[post("/below")]
async fn route_below(user: CurrentUser<User>) -> String {
    user.id.clone()
}

#[actix_web::route("/both", method = "GET", method = "HEAD")]
#[login_required]
async fn route_multi() -> &'static str {
    "ok"
}

fn main() {
    let _ = App::new().service(route_above).service(route_below).service(route_multi);
}
