use actix_web::{App, get, web};
use login_runtime::{LoginManager, UserMixin, anonymous_required, user_loader};

#[derive(Clone, UserMixin)]
struct User {
    id: String,
}

#[user_loader]
async fn load_user(id: String) -> Option<User> {
    Some(User { id })
}

#[get("/login")]
#[anonymous_required]
async fn login_form() -> &'static str {
    "form"
}

#[anonymous_required(redirect = "/account")]
async fn signup() -> &'static str {
    "sign up"
}

fn main() {
    let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
        .logged_in_view("/home")
        .build()
        .unwrap();
    let _app = App::new()
        .wrap(manager)
        .service(login_form)
        .route("/signup", web::get().to(signup));
}
