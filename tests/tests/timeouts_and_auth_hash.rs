//! Issue 5 runtime features: idle and absolute timeouts, the session auth hash (a password
//! change ends every other login), `update_auth_hash`, and logins that inherit nothing.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};
use std::time::Duration;

use actix_web::cookie::Cookie;
use actix_web::dev::ServiceResponse;
use actix_web::http::StatusCode;
use actix_web::{App, HttpResponse, test, web};
use login_runtime::{CurrentUser, LoginManager, LoginSession, MaybeUser, UserMixin, user_loader};

#[derive(Clone, Debug, UserMixin)]
struct Member {
    id: String,
    #[user(auth_hash)]
    password: String,
}

/// The "database": passwords by user id, changed by the tests.
static PASSWORDS: LazyLock<Mutex<HashMap<String, String>>> = LazyLock::new(|| Mutex::new(HashMap::new()));

fn set_password(id: &str, password: &str) {
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

async fn login(
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

async fn whoami(user: MaybeUser<Member>) -> String {
    user.get()
        .map_or_else(|| "anonymous".to_owned(), |u| u.id.clone())
}

async fn change_password(
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

fn manager(
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

/// A cookie jar that follows Set-Cookie like a browser.
#[derive(Default)]
struct Jar(RefCell<HashMap<String, String>>);

impl Jar {
    fn absorb<B>(&self, res: &ServiceResponse<B>) {
        for cookie in res.response().cookies() {
            let expired = cookie.max_age().is_some_and(|a| a.is_zero());
            if expired || cookie.value().is_empty() {
                self.0.borrow_mut().remove(cookie.name());
            } else {
                self.0
                    .borrow_mut()
                    .insert(cookie.name().to_owned(), cookie.value().to_owned());
            }
        }
    }
    fn request(&self, uri: &str) -> test::TestRequest {
        let mut req = test::TestRequest::get().uri(uri);
        for (name, value) in self.0.borrow().iter() {
            req = req.cookie(Cookie::new(name.clone(), value.clone()));
        }
        req
    }
    fn forget(&self, name: &str) -> Option<String> {
        self.0.borrow_mut().remove(name)
    }
    fn put(&self, name: &str, value: String) {
        self.0.borrow_mut().insert(name.to_owned(), value);
    }
}

macro_rules! app {
    ($manager:expr) => {
        test::init_service(
            App::new()
                .wrap($manager)
                .route("/login/{id}/{remember}", web::get().to(login))
                .route("/whoami", web::get().to(whoami))
                .route("/password/{new}", web::get().to(change_password)),
        )
        .await
    };
}

async fn body<B: actix_web::body::MessageBody>(res: ServiceResponse<B>) -> String {
    String::from_utf8(test::read_body(res).await.to_vec()).expect("utf-8 body")
}

#[actix_rt::test]
async fn idle_timeout_ends_a_session_login_after_inactivity() {
    set_password("idle", "pw");
    let app = app!(manager(|b| b.idle_timeout(Duration::from_secs(1))));
    let jar = Jar::default();
    let res = test::call_service(&app, jar.request("/login/idle/false").to_request()).await;
    jar.absorb(&res);
    let res = test::call_service(&app, jar.request("/whoami").to_request()).await;
    jar.absorb(&res);
    assert_eq!(body(res).await, "idle");
    actix_rt::time::sleep(Duration::from_millis(2500)).await;
    let res = test::call_service(&app, jar.request("/whoami").to_request()).await;
    assert_eq!(body(res).await, "anonymous", "an idle session must end");
}

#[actix_rt::test]
async fn absolute_timeout_ends_a_login_even_when_active_but_remember_me_restores_it() {
    set_password("abs", "pw");
    let app = app!(manager(|b| b.absolute_timeout(Duration::from_secs(1))));
    let jar = Jar::default();
    let res = test::call_service(&app, jar.request("/login/abs/true").to_request()).await;
    jar.absorb(&res);
    let session_before = jar.0.borrow().get("session").cloned();
    for _ in 0..5 {
        actix_rt::time::sleep(Duration::from_millis(500)).await;
        let res = test::call_service(&app, jar.request("/whoami").to_request()).await;
        jar.absorb(&res);
    }
    // Without the remember cookie, the old session is refused past its deadline.
    let remember = jar.forget("remember_token").expect("remember cookie was set");
    jar.put("session", session_before.expect("session cookie was set"));
    let res = test::call_service(&app, jar.request("/whoami").to_request()).await;
    assert_eq!(
        body(res).await,
        "anonymous",
        "past the login deadline the session ends"
    );
    // With it, the user comes back (as a new, non-fresh login).
    jar.put("remember_token", remember);
    let res = test::call_service(&app, jar.request("/whoami").to_request()).await;
    assert_eq!(body(res).await, "abs");
}

#[actix_rt::test]
async fn a_password_change_elsewhere_ends_every_session_and_remember_cookie() {
    set_password("victim", "old");
    let app = app!(manager(|b| b));
    let jar = Jar::default();
    let res = test::call_service(&app, jar.request("/login/victim/true").to_request()).await;
    jar.absorb(&res);
    let res = test::call_service(&app, jar.request("/whoami").to_request()).await;
    assert_eq!(body(res).await, "victim");

    set_password("victim", "new"); // changed on another device
    let res = test::call_service(&app, jar.request("/whoami").to_request()).await;
    jar.absorb(&res);
    assert_eq!(body(res).await, "anonymous", "the session must end");
    assert!(
        !jar.0.borrow().contains_key("remember_token"),
        "the remember cookie must be deleted"
    );
}

#[actix_rt::test]
async fn a_stolen_remember_cookie_dies_with_the_password_change() {
    set_password("stolen", "old");
    let app = app!(manager(|b| b));
    let jar = Jar::default();
    let res = test::call_service(&app, jar.request("/login/stolen/true").to_request()).await;
    jar.absorb(&res);
    let remember = jar
        .0
        .borrow()
        .get("remember_token")
        .cloned()
        .expect("remember cookie");
    set_password("stolen", "new");
    let thief = Jar::default();
    thief.put("remember_token", remember);
    let res = test::call_service(&app, thief.request("/whoami").to_request()).await;
    assert_eq!(body(res).await, "anonymous");
}

#[actix_rt::test]
async fn update_auth_hash_keeps_the_current_login_and_its_remember_cookie() {
    set_password("keeper", "old");
    let app = app!(manager(|b| b));
    let me = Jar::default();
    let other_device = Jar::default();
    for jar in [&me, &other_device] {
        let res = test::call_service(&app, jar.request("/login/keeper/true").to_request()).await;
        jar.absorb(&res);
    }
    let res = test::call_service(&app, me.request("/password/new").to_request()).await;
    me.absorb(&res);
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(body(res).await, "kept=true");

    let res = test::call_service(&app, me.request("/whoami").to_request()).await;
    me.absorb(&res);
    assert_eq!(
        body(res).await,
        "keeper",
        "this session survives its own password change"
    );
    me.forget("session");
    let res = test::call_service(&app, me.request("/whoami").to_request()).await;
    assert_eq!(
        body(res).await,
        "keeper",
        "and so does its re-signed remember cookie"
    );

    let res = test::call_service(&app, other_device.request("/whoami").to_request()).await;
    assert_eq!(body(res).await, "anonymous", "the other device is logged out");
}

#[actix_rt::test]
async fn next_kept_in_the_session_is_readable_after_login_but_not_inherited() {
    set_password("nexter", "pw");
    let app = test::init_service(
        App::new()
            .wrap(manager(|b| b.use_session_for_next(true)))
            .route("/login/{id}/{remember}", web::get().to(login))
            .route(
                "/secret",
                web::get().to(|u: CurrentUser<Member>| async move { u.id.clone() }),
            ),
    )
    .await;
    let jar = Jar::default();
    let res = test::call_service(&app, jar.request("/secret?x=1").to_request()).await;
    jar.absorb(&res);
    assert_eq!(
        res.headers().get("location").map(|v| v.as_bytes()),
        Some(&b"/login"[..])
    );
    let res = test::call_service(&app, jar.request("/login/nexter/false").to_request()).await;
    jar.absorb(&res);
    assert_eq!(body(res).await, "next=/secret?x=1");
    // A second login in a later request finds no `next`: it was not carried into the session.
    let res = test::call_service(&app, jar.request("/login/nexter/false").to_request()).await;
    assert_eq!(body(res).await, "next=");
}

#[actix_rt::test]
async fn zero_timeouts_are_start_up_errors() {
    let err = LoginManager::<Member>::builder([1u8; 32])
        .idle_timeout(Duration::ZERO)
        .build()
        .expect_err("a zero idle timeout is refused");
    assert!(
        err.to_string()
            .contains("idle_timeout must be at least one second")
    );
}

#[actix_rt::test]
async fn update_auth_hash_never_revives_a_remember_cookie_from_before_an_earlier_change() {
    set_password("reviver", "first");
    let app = app!(manager(|b| b));
    let me = Jar::default();
    let res = test::call_service(&app, me.request("/login/reviver/true").to_request()).await;
    me.absorb(&res);
    let stale = me.0.borrow()["remember_token"].clone();
    let res = test::call_service(&app, me.request("/password/second").to_request()).await;
    me.absorb(&res);
    assert_eq!(body(res).await, "kept=true");

    // The remember cookie from before the first change is planted back into this browser,
    // and the password changes again: the stale cookie must not be re-signed.
    me.put("remember_token", stale);
    let res = test::call_service(&app, me.request("/password/third").to_request()).await;
    let removed = res
        .response()
        .cookies()
        .find(|c| c.name() == "remember_token")
        .is_some_and(|c| c.max_age().is_some_and(|a| a.is_zero()));
    me.absorb(&res);
    assert_eq!(body(res).await, "kept=true", "the session itself is kept");
    assert!(removed, "the stale remember cookie is removed, not re-signed");
    me.forget("session");
    let res = test::call_service(&app, me.request("/whoami").to_request()).await;
    assert_eq!(body(res).await, "anonymous");
}
