//! `LoginSession<User>` with no loader for `User`: one error, where the manager is built.
use actix_web::{HttpResponse, web};
use login_runtime::{LoginManager, LoginSession, UserMixin};

#[derive(Clone, UserMixin)]
struct User {
    id: String,
}

async fn logout(_session: LoginSession<User>) -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {
    let _ = web::resource("/logout").to(logout);
    let _manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes").build();
}
