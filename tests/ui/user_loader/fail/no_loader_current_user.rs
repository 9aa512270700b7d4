//! A handler takes `CurrentUser<User>` and nothing loads `User`: one error, where the manager
//! is built (the only place that needs the loader), not one per extractor.
use actix_web::get;
use login_runtime::{CurrentUser, LoginManager, UserMixin};

#[derive(Clone, UserMixin)]
struct User {
    id: String,
}

#[get("/profile")]
async fn profile(user: CurrentUser<User>) -> String {
    user.id.clone()
}

fn main() {
    let _ = profile;
    let _manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes").build();
}
