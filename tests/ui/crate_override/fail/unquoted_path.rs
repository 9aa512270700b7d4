//! `crate` takes the path in quotes, as serde's `crate` does.
use actix_web::{HttpResponse, get};
use login_runtime::{CurrentUser, UserMixin, login_required, user_loader};

#[derive(Clone, UserMixin)]
pub struct User {
    pub id: String,
}

#[user_loader]
async fn load_user(id: String) -> Option<User> {
    Some(User { id })
}

#[get("/")]
#[login_required(crate = login_runtime)]
async fn index(user: CurrentUser<User>) -> HttpResponse {
    HttpResponse::Ok().body(user.id.clone())
}

fn main() {
    let _ = index;
}
