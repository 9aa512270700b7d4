use std::collections::HashSet;

use actix_web::{App, get, web};
use login_runtime::{
    CurrentUser, LoginManager, Permissions, UserMixin, fresh_login_required, login_required, permission_loader,
    user_loader,
};

#[derive(Clone, UserMixin)]
pub struct User {
    id: String,
}

#[user_loader]
async fn load_user(id: String) -> Option<User> {
    Some(User { id })
}

#[derive(PartialEq, Eq, Hash)]
pub enum Perm {
    Admin,
    Billing,
    Audit,
}

#[permission_loader]
async fn permissions(_user: &User, _db: web::Data<String>) -> Result<HashSet<Perm>, std::io::Error> {
    Ok(HashSet::new())
}

fn is_verified(user: &User) -> bool {
    !user.id.is_empty()
}

async fn is_on_call(user: &User) -> bool {
    user.id.starts_with("oncall")
}

#[get("/admin")]
#[login_required(permission = Perm::Admin)]
async fn admin(user: CurrentUser<User>) -> String {
    user.id.clone()
}

#[login_required(permission = any(Perm::Admin, all(Perm::Billing, Perm::Audit)), user = User, json)]
async fn nested() -> &'static str {
    "nested"
}

#[fresh_login_required(permission = Perm::Billing, max_age = "10m", check = is_verified, user = User)]
async fn fresh_and_checked() -> &'static str {
    "fresh"
}

#[login_required(check = is_on_call)]
async fn on_call(perms: Permissions<User>, _user: CurrentUser<User>) -> String {
    format!("{}", perms.len())
}

pub mod inside {
    use super::*;

    #[login_required(permission = Perm::Admin, user = User)]
    pub async fn public_handler() -> &'static str {
        "public"
    }
}

fn main() {
    let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
        .build()
        .unwrap();
    let _app = App::new()
        .wrap(manager)
        .service(admin)
        .route("/nested", web::get().to(nested))
        .route("/fresh", web::get().to(fresh_and_checked))
        .route("/on-call", web::get().to(on_call))
        .route("/public", web::get().to(inside::public_handler));
}
