//! The app of the timeout, auth-hash and session-`next` tests: members whose passwords the tests
//! change (the auth hash), a login route that answers with the `next` it found, a password change
//! route that calls `update_auth_hash` (the tests drive it with
//! `login_runtime::test::TestClient`).

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use actix_web::{HttpResponse, web};
use login_runtime::{CurrentUser, LoginManager, LoginSession, MaybeUser, UserMixin, user_loader};

/// A member; changing the password changes the auth hash.
#[derive(Clone, Debug, UserMixin)]
pub(crate) struct Member {
    /// The login name.
    pub(crate) id: String,
    #[user(auth_hash)]
    password: String,
}

/// The "database": passwords by user id, changed by the tests.
static PASSWORDS: LazyLock<Mutex<HashMap<String, String>>> = LazyLock::new(|| Mutex::new(HashMap::new()));

/// Creates a member or changes its password. Each test uses its own member ids.
pub(crate) fn set_password(id: &str, password: &str) {
    PASSWORDS
        .lock()
        .expect("password table")
        .insert(id.to_owned(), password.to_owned());
}

#[user_loader]
async fn load_member(id: String) -> Option<Member> {
    let password = PASSWORDS.lock().expect("password table").get(&id).cloned()?;
    Some(Member { id, password })
}

/// `/login/{id}/{remember}`: logs the member in and answers `next=<safe next, or nothing>`.
pub(crate) async fn login(
    path: web::Path<(String, bool)>,
    session: LoginSession<Member>,
) -> actix_web::Result<HttpResponse> {
    let (id, remember) = path.into_inner();
    let member = load_member(id)
        .await
        .ok_or_else(|| actix_web::error::ErrorNotFound("no such member"))?;
    session.login_user(&member).remember(remember).await?;
    let next = session.safe_next(None).unwrap_or_default();
    Ok(HttpResponse::Ok().body(format!("next={next}")))
}

/// `/whoami`: the member's id, or `anonymous`.
pub(crate) async fn whoami(user: MaybeUser<Member>) -> String {
    user.get()
        .map_or_else(|| "anonymous".to_owned(), |u| u.id.clone())
}

/// `/password/{new}`: changes the current member's password and keeps this login with
/// `update_auth_hash`; answers `kept=<whether the login was kept>`.
pub(crate) async fn change_password(
    user: CurrentUser<Member>,
    session: LoginSession<Member>,
    form: web::Path<String>,
) -> actix_web::Result<String> {
    set_password(&user.id, &form);
    let updated = Member {
        id: user.id.clone(),
        password: form.into_inner(),
    };
    let kept = session.update_auth_hash(&updated).await?;
    Ok(format!("kept={kept}"))
}

/// A manager with login view `/login` and insecure cookies, changed by `edit`.
pub(crate) fn manager(
    edit: impl FnOnce(login_runtime::LoginManagerBuilder<Member>) -> login_runtime::LoginManagerBuilder<Member>,
) -> LoginManager<Member> {
    edit(
        LoginManager::builder([42u8; 32])
            .login_view("/login")
            .secure_cookies(false),
    )
    .build()
    .expect("valid configuration")
}

/// The app around `$manager`: `/login/{id}/{remember}`, `/whoami` and `/password/{new}`.
macro_rules! app {
    ($manager:expr) => {
        ::actix_web::test::init_service(
            ::actix_web::App::new()
                .wrap($manager)
                .route(
                    "/login/{id}/{remember}",
                    ::actix_web::web::get().to($crate::support::member_app::login),
                )
                .route(
                    "/whoami",
                    ::actix_web::web::get().to($crate::support::member_app::whoami),
                )
                .route(
                    "/password/{new}",
                    ::actix_web::web::get().to($crate::support::member_app::change_password),
                ),
        )
        .await
    };
}
pub(crate) use app;
