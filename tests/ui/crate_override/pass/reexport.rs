//! A crate that reaches the runtime only through another crate's re-export gives every macro
//! `crate = "path"` (on the derive, `#[user(crate = "path")]` on the struct): the generated code
//! then names the runtime by that path.
use actix_web::{HttpRequest, HttpResponse, get};

/// Stands in for a framework crate that re-exports the runtime under its own name.
mod framework {
    pub use ::login_runtime as login;
}

use framework::login::{
    CurrentUser, LoginManager, UserMixin, anonymous_required, fresh_login_required, login_required,
    permission_loader, request_loader, user_loader,
};

#[derive(Clone, UserMixin)]
#[user(crate = "crate::framework::login")]
pub struct User {
    pub id: String,
}

#[user_loader(crate = "crate::framework::login")]
async fn load_user(id: String) -> Option<User> {
    Some(User { id })
}

#[permission_loader(crate = "crate::framework::login")]
async fn permissions(user: &User) -> Vec<String> {
    vec![user.id.clone()]
}

#[request_loader(crate = "crate::framework::login")]
async fn api_key(req: HttpRequest) -> Option<User> {
    let key = req.headers().get("x-api-key")?.to_str().ok()?;
    Some(User { id: key.to_owned() })
}

#[get("/admin")]
#[login_required(crate = "crate::framework::login", permission = "admin")]
async fn admin(user: CurrentUser<User>) -> HttpResponse {
    HttpResponse::Ok().body(user.id.clone())
}

#[get("/password")]
#[fresh_login_required(crate = "crate::framework::login")]
async fn password(user: CurrentUser<User>) -> HttpResponse {
    HttpResponse::Ok().body(user.id.clone())
}

#[get("/login")]
#[anonymous_required(crate = "crate::framework::login", redirect = "/admin")]
async fn login_page() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {
    let _ = (admin, password, login_page);
    let _ = LoginManager::<User>::builder("a secret key of at least thirty-two bytes, really")
        .request_loader(api_key)
        .build();
}
