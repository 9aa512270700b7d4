use actix_web::{HttpResponse, web};
use login_runtime::{LoginSession, UserMixin};

#[derive(Clone, UserMixin)]
struct User {
    id: String,
}

async fn logout(_session: LoginSession<User>) -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {
    let _ = web::resource("/logout").to(logout);
}
