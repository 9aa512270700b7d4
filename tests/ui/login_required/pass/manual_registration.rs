//! Without a route macro, the guarded handler is an ordinary handler function.
use actix_web::{App, HttpResponse, web};
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

#[login_required]
async fn dashboard(user: CurrentUser<User>) -> HttpResponse {
    HttpResponse::Ok().body(user.id.clone())
}

#[login_required(json)]
async fn api() -> HttpResponse {
    HttpResponse::NoContent().finish()
}

fn main() {
    let _ = App::new()
        .service(web::resource("/dashboard").to(dashboard))
        .route("/api", web::get().to(api))
        .service(web::scope("/admin").route("/", web::post().to(dashboard)));
}
