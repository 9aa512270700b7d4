//! Every macro of `login-runtime`, used through a renamed dependency
//! (`login = { package = "login-runtime", .. }` in `Cargo.toml`): the generated code must name
//! the runtime `login`, since `login_runtime` does not exist in this crate. That it compiles is
//! most of the proof; the test checks that the routes also behave.

use std::collections::HashSet;

use actix_web::{HttpRequest, get, web};
use login::{
    CurrentUser, UserMixin, anonymous_required, fresh_login_required, login_required, permission_loader,
    request_loader, user_loader,
};

/// A user, with every key the derive reads.
#[derive(Clone, UserMixin)]
pub struct User {
    id: String,
    #[user(active)]
    active: bool,
    #[user(auth_hash)]
    password_hash: String,
}

/// What a user may do.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub enum Perm {
    /// The administrators' pages.
    Admin,
}

/// `ann` is an administrator, `bob` is not.
fn user(id: &str) -> User {
    User {
        id: id.to_owned(),
        active: true,
        password_hash: "hash".to_owned(),
    }
}

/// Loads the user of a session.
#[user_loader]
async fn load_user(id: String) -> Option<User> {
    Some(user(&id))
}

/// Loads a user from an `x-api-key` header.
#[request_loader]
pub async fn api_key(req: HttpRequest) -> Option<User> {
    let key = req.headers().get("x-api-key")?.to_str().ok()?;
    Some(user(key))
}

/// The permissions of a user.
#[permission_loader]
async fn permissions(user: &User) -> HashSet<Perm> {
    if user.id == "ann" {
        HashSet::from([Perm::Admin])
    } else {
        HashSet::new()
    }
}

/// Any logged-in user.
#[get("/me")]
#[login_required]
async fn me(user: CurrentUser<User>) -> String {
    user.id.clone()
}

/// Administrators only.
#[get("/admin")]
#[login_required(permission = Perm::Admin)]
async fn admin(user: CurrentUser<User>) -> String {
    format!("admin {}", user.id)
}

/// A fresh login only.
#[fresh_login_required(max_age = "15m")]
async fn fresh(user: CurrentUser<User>) -> String {
    format!("fresh {}", user.id)
}

/// Logged-out visitors only.
#[anonymous_required]
async fn login_form() -> &'static str {
    "log in"
}

/// The app's routes, for the test.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(me)
        .service(admin)
        .route("/fresh", web::get().to(fresh))
        .route("/login", web::get().to(login_form));
}

#[cfg(test)]
mod tests {
    use actix_web::http::StatusCode;
    use actix_web::{App, test};
    use login::LoginManager;

    use super::*;

    #[actix_rt::test]
    async fn every_macro_works_through_a_renamed_dependency() {
        let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
            .login_view("/login")
            .request_loader(api_key)
            .build()
            .expect("valid configuration");
        let app = test::init_service(App::new().wrap(manager.clone()).configure(routes)).await;
        let get = |uri: &str| test::TestRequest::get().uri(uri);

        // Anonymous: the guard redirects, the logged-out-only page answers.
        let res = test::call_service(&app, get("/me").to_request()).await;
        assert_eq!(res.status(), StatusCode::FOUND);
        let body = test::call_and_read_body(&app, get("/login").to_request()).await;
        assert_eq!(body, "log in");

        // Logged in through the session (user loader) and through the request loader.
        let ann = user("ann");
        let req = manager.test_login(&ann).apply(get("/me"));
        assert_eq!(test::call_and_read_body(&app, req.to_request()).await, "ann");
        let req = get("/me").insert_header(("x-api-key", "bob"));
        assert_eq!(test::call_and_read_body(&app, req.to_request()).await, "bob");

        // The permission loader, the fresh guard, and the anonymous-only guard's redirect.
        let req = manager.test_login(&ann).apply(get("/admin"));
        assert_eq!(
            test::call_and_read_body(&app, req.to_request()).await,
            "admin ann"
        );
        let req = manager.test_login(&user("bob")).apply(get("/admin"));
        let res = test::call_service(&app, req.to_request()).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        let req = manager.test_login(&ann).apply(get("/fresh"));
        assert_eq!(
            test::call_and_read_body(&app, req.to_request()).await,
            "fresh ann"
        );
        let req = manager.test_login(&ann).apply(get("/login"));
        let res = test::call_service(&app, req.to_request()).await;
        assert_eq!(res.status(), StatusCode::FOUND);
    }
}
