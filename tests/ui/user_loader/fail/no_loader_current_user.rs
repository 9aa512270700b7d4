use actix_web::get;
use login_runtime::{CurrentUser, UserMixin};

#[derive(Clone, UserMixin)]
struct User {
    id: String,
}

#[get("/profile")]
async fn profile(user: CurrentUser<User>) -> String {
    user.id.clone()
}

fn main() {}
