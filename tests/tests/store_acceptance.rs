//! The session-store acceptance suite: the same behaviours, run against every backend through
//! the quickstart app (`SESSION_STORE=cookie`, `memory`, `redis://...`).
//!
//! Each behaviour is an `async fn` taking a [`Backend`]; the `suite_all!` and `suite_server!`
//! macros instantiate it as one test per backend. `common` behaviours hold for every backend; `server` behaviours need a
//! server-side store (revocation, listing, fixation, replay after logout). To run the suite
//! against another backend, add a `Backend` variant and a test to each macro.
//!
//! The Redis backend starts its own `redis-server` per test on a free loopback port
//! (`support/redis_server.rs`); without one installed the Redis tests are skipped with a
//! message, except under `CI=true`, where they fail.

// Test helpers may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;

use actix_web::test::{self, TestRequest};
use base64::Engine as _;
use login_tests::{Client, Resp};
use serde_json::Value;

use crate::quickstart::{self, Settings};
use crate::redis_server::RedisServer;

const KEY: &str = "store acceptance key: thirty-two bytes or more";

/// Where the logins of one test live.
pub(crate) enum Backend {
    Cookie,
    Memory(login_runtime::store::MemoryStore),
    Redis(RedisServer),
    /// A Redis server owned by the caller.
    RedisAt(String),
}

impl Backend {
    pub(crate) fn cookie() -> Option<Backend> {
        Some(Backend::Cookie)
    }

    pub(crate) fn memory() -> Option<Backend> {
        Some(Backend::Memory(login_runtime::store::MemoryStore::new()))
    }

    pub(crate) fn redis() -> Option<Backend> {
        RedisServer::start().map(Backend::Redis)
    }

    pub(crate) fn redis_at(url: &str) -> Backend {
        Backend::RedisAt(url.to_owned())
    }

    /// How many entries the store holds (records and indexes).
    pub(crate) fn size(&self) -> i64 {
        match self {
            Backend::Memory(store) => i64::try_from(store.len()).unwrap(),
            Backend::Redis(server) => server.dbsize(),
            Backend::Cookie | Backend::RedisAt(_) => panic!("no size to read"),
        }
    }

    /// A login manager on this backend: one "app server". Two managers of one backend share
    /// its logins (the memory store is shared by clone; each Redis manager has its own
    /// connection to the same server), as two processes would.
    pub(crate) fn manager(&self, vars: &[(&str, &str)]) -> login_runtime::LoginManager<quickstart::User> {
        let mut map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        map.entry("SECRET_KEY".into()).or_insert_with(|| KEY.into());
        match self {
            Backend::Redis(server) => {
                map.insert("SESSION_STORE".into(), server.url());
            }
            Backend::RedisAt(url) => {
                map.insert("SESSION_STORE".into(), url.clone());
            }
            _ => {}
        }
        let settings = Settings::from_vars(|name| Ok(map.get(name).cloned())).unwrap();
        match self {
            Backend::Memory(store) => quickstart::manager_on(&settings, store.clone()).unwrap(),
            _ => quickstart::manager(&settings).unwrap(),
        }
    }
}

/// A browser on a new app server of `backend`.
macro_rules! browser {
    ($backend:expr) => {
        $crate::store_acceptance::browser!($backend, &[])
    };
    ($backend:expr, $vars:expr) => {
        login_tests::Client::new(
            actix_web::test::init_service($crate::quickstart::app($backend.manager($vars))).await,
        )
    };
}
pub(crate) use browser;

pub(crate) fn login_form(email: &str, remember: bool) -> TestRequest {
    let mut form = vec![("email", email), ("password", "secret")];
    if remember {
        form.push(("remember", "on"));
    }
    TestRequest::post().uri("/login").set_form(form)
}

pub(crate) fn json(resp: &Resp) -> Value {
    serde_json::from_str(&resp.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", resp.body))
}

/// The handles of the user's live logins, as `GET /sessions` lists them, the current one first.
pub(crate) async fn handles<S, B>(client: &mut Client<S>) -> Vec<(String, bool, bool)>
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let resp = client.get("/sessions").await;
    assert_eq!(resp.status, 200, "{}", resp.body);
    let mut list: Vec<(String, bool, bool)> = json(&resp)["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["id"].as_str().unwrap().to_owned(),
                s["current"].as_bool().unwrap(),
                s["remembered"].as_bool().unwrap(),
            )
        })
        .collect();
    list.sort_by_key(|(_, current, _)| !current);
    list
}

/// Instantiates each behaviour as one test per backend: `suite_all!` on every backend,
/// `suite_server!` on the server-side ones. A backend that is not available (no
/// `redis-server` outside CI) skips its tests with a message.
macro_rules! on_server_stores {
    ($group:ident, $behaviour:ident) => {
        #[actix_rt::test]
        async fn on_memory() {
            $group::$behaviour(Backend::memory().unwrap()).await;
        }

        #[actix_rt::test]
        async fn on_redis() {
            if let Some(backend) = Backend::redis() {
                $group::$behaviour(backend).await;
            }
        }
    };
}

macro_rules! suite_all {
    ($group:ident: $($behaviour:ident),* $(,)?) => {
        $(
            mod $behaviour {
                use super::*;

                on_server_stores!($group, $behaviour);

                #[actix_rt::test]
                async fn on_cookie() {
                    $group::$behaviour(Backend::cookie().unwrap()).await;
                }
            }
        )*
    };
}

macro_rules! suite_server {
    ($group:ident: $($behaviour:ident),* $(,)?) => {
        $(
            mod $behaviour {
                use super::*;

                on_server_stores!($group, $behaviour);
            }
        )*
    };
}

/// What every backend does.
mod common {
    use super::*;

    pub(super) async fn a_login_reaches_guarded_routes_and_logout_ends_it(backend: Backend) {
        let mut browser = browser!(backend);
        assert_eq!(browser.get("/protected").await.status, 302);
        let resp = browser.send(login_form("leafstorm", false)).await;
        assert!(resp.status == 302 || resp.status == 303, "{}", resp.body);
        let resp = browser.get("/protected").await;
        assert_eq!(resp.status, 200);
        assert!(resp.body.contains("Logged in as: leafstorm"));
        assert!(browser.get("/logout").await.body.contains("Logged out"));
        assert_eq!(browser.get("/protected").await.status, 302);
    }

    pub(super) async fn a_remembered_login_survives_a_browser_restart_and_is_not_fresh(backend: Backend) {
        let mut browser = browser!(backend);
        browser.send(login_form("佐藤", true)).await;
        assert!(browser.cookie("remember_token").is_some());
        browser.restart_browser();
        let resp = browser.get("/protected").await;
        assert_eq!(resp.status, 200);
        assert!(
            resp.body.contains("Logged in as: 佐藤"),
            "a non-ASCII id round-trips"
        );
        assert!(
            browser.cookie("session").is_some(),
            "a new session comes with the restore"
        );
        let resp = browser.get("/fresh").await;
        assert_eq!(resp.location(), Some("/reauth?next=%2Ffresh"));
        let reauth = TestRequest::post()
            .uri("/reauth")
            .set_form([("password", "secret")]);
        browser.send(reauth).await;
        assert_eq!(
            browser.get("/fresh").await.status,
            200,
            "confirm_login makes it fresh"
        );
    }

    pub(super) async fn a_login_as_another_user_leaves_no_way_back_to_the_first(backend: Backend) {
        let mut browser = browser!(backend);
        browser.send(login_form("leafstorm", true)).await;
        browser.send(login_form("佐藤", false)).await;
        assert!(browser.get("/").await.body.contains("佐藤"));
        assert!(
            browser.cookie("remember_token").is_none(),
            "the first user's remember cookie is deleted"
        );
        browser.restart_browser();
        let resp = browser.get("/").await;
        assert!(!resp.body.contains("leafstorm"), "{}", resp.body);
    }

    pub(super) async fn a_tampered_session_cookie_is_anonymous(backend: Backend) {
        let mut browser = browser!(backend);
        browser.send(login_form("leafstorm", false)).await;
        let session = browser.cookie("session").unwrap();
        let mut bytes = session.into_bytes();
        bytes[3] = if bytes[3] == b'A' { b'B' } else { b'A' };
        browser.set_cookie("session", std::str::from_utf8(&bytes).unwrap());
        assert_eq!(browser.get("/protected").await.status, 302);
    }

    pub(super) async fn inactive_users_cannot_log_in(backend: Backend) {
        let mut browser = browser!(backend);
        let resp = browser.send(login_form("creeper", false)).await;
        assert!(resp.status.is_client_error(), "{}", resp.status);
        assert!(browser.cookie("session").is_none());
    }
}

suite_all!(common:
    a_login_reaches_guarded_routes_and_logout_ends_it,
    a_remembered_login_survives_a_browser_restart_and_is_not_fresh,
    a_login_as_another_user_leaves_no_way_back_to_the_first,
    a_tampered_session_cookie_is_anonymous,
    inactive_users_cannot_log_in,
);

/// What a server-side store adds.
mod server {
    use super::*;

    pub(super) async fn a_first_users_remember_cookie_copied_before_a_switch_is_dead_after_it(
        backend: Backend,
    ) {
        let mut browser = browser!(backend);
        browser.send(login_form("leafstorm", true)).await;
        let first_remember = browser.cookie("remember_token").unwrap();
        browser.send(login_form("佐藤", false)).await;
        browser.delete_cookie("session");
        browser.set_cookie("remember_token", &first_remember);
        let resp = browser.get("/").await;
        assert!(!resp.body.contains("leafstorm"), "{}", resp.body);
    }

    pub(super) async fn the_session_cookie_holds_only_a_random_id(backend: Backend) {
        let mut a = browser!(backend);
        let mut b = browser!(backend);
        a.send(login_form("leafstorm", false)).await;
        b.send(login_form("leafstorm", false)).await;
        let (sa, sb) = (a.cookie("session").unwrap(), b.cookie("session").unwrap());
        assert_ne!(sa, sb, "every login has its own id");
        for value in [&sa, &sb] {
            let payload = value.split('.').next().unwrap();
            let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(payload)
                .unwrap();
            assert_eq!(bytes.len(), 33, "version, 128-bit login id, 128-bit secret");
            assert!(!String::from_utf8_lossy(&bytes).contains("leafstorm"));
        }
    }

    pub(super) async fn every_login_and_confirm_issues_a_new_session_id(backend: Backend) {
        let mut browser = browser!(backend);
        browser.send(login_form("leafstorm", false)).await;
        let first = browser.cookie("session").unwrap();
        browser.send(login_form("leafstorm", false)).await;
        let second = browser.cookie("session").unwrap();
        assert_ne!(first, second, "a login again is a new session id");
        let reauth = TestRequest::post()
            .uri("/reauth")
            .set_form([("password", "secret")]);
        browser.send(reauth).await;
        let third = browser.cookie("session").unwrap();
        assert_ne!(second, third, "confirm_login is a new session id");
        assert_eq!(browser.get("/protected").await.status, 200);
        for stale in [first, second] {
            browser.set_cookie("session", &stale);
            assert_eq!(
                browser.get("/protected").await.status,
                302,
                "a replaced id never authenticates"
            );
        }
    }

    pub(super) async fn cookies_copied_before_logout_are_anonymous_after_it(backend: Backend) {
        let mut browser = browser!(backend);
        browser.send(login_form("leafstorm", true)).await;
        let session = browser.cookie("session").unwrap();
        let remember = browser.cookie("remember_token").unwrap();
        browser.get("/logout").await;
        let mut thief = browser!(backend);
        thief.set_cookie("session", &session);
        thief.set_cookie("remember_token", &remember);
        assert_eq!(thief.get("/protected").await.status, 302);
        thief.delete_cookie("session");
        thief.set_cookie("remember_token", &remember);
        assert_eq!(
            thief.get("/protected").await.status,
            302,
            "the remember token died with the login"
        );
    }

    pub(super) async fn a_user_sees_every_device_and_revokes_one(backend: Backend) {
        let mut laptop = browser!(backend);
        laptop.user_agent = "Laptop/1.0".into();
        let mut phone = browser!(backend);
        phone.user_agent = "Phone/2.0".into();
        laptop.send(login_form("leafstorm", false)).await;
        phone.send(login_form("leafstorm", true)).await;
        let list = handles(&mut laptop).await;
        assert_eq!(list.len(), 2, "{list:?}");
        assert!(list[0].1 && !list[1].1, "exactly one is current");
        assert!(!list[0].2 && list[1].2, "the phone's is remembered");
        let resp = laptop.get("/sessions").await;
        assert!(resp.body.contains("Phone/2.0") && resp.body.contains("Laptop/1.0"));
        let phone_handle = list[1].0.clone();
        assert!(
            !resp.body.contains(&phone.cookie("session").unwrap()),
            "a handle is not a cookie"
        );
        let revoke = TestRequest::post()
            .uri("/sessions/revoke")
            .set_form([("id", phone_handle.as_str())]);
        let resp = laptop.send(revoke).await;
        assert_eq!(
            (resp.status.as_u16(), json(&resp)["revoked"].as_u64()),
            (200, Some(1))
        );
        assert_eq!(
            phone.get("/protected").await.status,
            302,
            "refused on its next request"
        );
        phone.restart_browser();
        assert_eq!(
            phone.get("/protected").await.status,
            302,
            "its remember token is revoked too"
        );
        assert_eq!(
            laptop.get("/protected").await.status,
            200,
            "the other device stays"
        );
        assert_eq!(handles(&mut laptop).await.len(), 1);
    }

    pub(super) async fn log_out_other_devices_keeps_this_one(backend: Backend) {
        let mut here = browser!(backend);
        let mut others = Vec::new();
        for _ in 0..3 {
            let mut b = browser!(backend);
            b.send(login_form("leafstorm", true)).await;
            others.push(b);
        }
        here.send(login_form("leafstorm", false)).await;
        let revoke = TestRequest::post()
            .uri("/sessions/revoke")
            .set_form([("id", "others")]);
        let resp = here.send(revoke).await;
        assert_eq!(json(&resp)["revoked"].as_u64(), Some(3));
        for mut b in others {
            assert_eq!(b.get("/protected").await.status, 302);
        }
        assert_eq!(here.get("/protected").await.status, 200);
    }

    pub(super) async fn another_users_handle_cannot_be_revoked(backend: Backend) {
        let mut victim = browser!(backend);
        let mut attacker = browser!(backend);
        victim.send(login_form("leafstorm", false)).await;
        attacker.send(login_form("佐藤", false)).await;
        let victims = handles(&mut victim).await;
        let revoke = TestRequest::post()
            .uri("/sessions/revoke")
            .set_form([("id", victims[0].0.as_str())]);
        let resp = attacker.send(revoke).await;
        assert_eq!(resp.status, 404, "{}", resp.body);
        assert_eq!(victim.get("/protected").await.status, 200);
        let garbage = TestRequest::post()
            .uri("/sessions/revoke")
            .set_form([("id", "not-a-handle")]);
        assert_eq!(attacker.send(garbage).await.status, 404);
    }

    pub(super) async fn an_administrator_logs_a_user_out_everywhere(backend: Backend) {
        let manager = backend.manager(&[]);
        let mut a = Client::new(test::init_service(quickstart::app(manager.clone())).await);
        let mut b = Client::new(test::init_service(quickstart::app(manager.clone())).await);
        a.send(login_form("leafstorm", false)).await;
        b.send(login_form("leafstorm", true)).await;
        let id = "leafstorm".to_owned();
        assert_eq!(manager.live_sessions_of(&id).await.unwrap().len(), 2);
        assert_eq!(manager.log_out_everywhere(&id).await.unwrap(), 2);
        assert_eq!(a.get("/protected").await.status, 302);
        b.restart_browser();
        assert_eq!(b.get("/protected").await.status, 302);
        assert!(manager.live_sessions_of(&id).await.unwrap().is_empty());
    }

    pub(super) async fn a_logged_out_or_revoked_login_leaves_nothing_in_the_store(backend: Backend) {
        let empty = backend.size();
        let mut a = browser!(backend);
        let mut b = browser!(backend);
        a.send(login_form("leafstorm", true)).await;
        b.send(login_form("leafstorm", false)).await;
        assert!(backend.size() > empty);
        let revoke = TestRequest::post()
            .uri("/sessions/revoke")
            .set_form([("id", "others")]);
        assert_eq!(json(&a.send(revoke).await)["revoked"].as_u64(), Some(1));
        a.get("/logout").await;
        if let Backend::Redis(server) = &backend {
            let keys = server.command(&["KEYS", "*"]).texts();
            assert!(keys.is_empty(), "left in Redis: {keys:?}");
        }
        assert_eq!(backend.size(), empty, "no record and no index entry is left");
    }

    pub(super) async fn two_app_servers_share_logins_and_logouts(backend: Backend) {
        let mut one = browser!(backend);
        one.send(login_form("leafstorm", true)).await;
        // The same browser's next request lands on the other server.
        let mut two = browser!(backend);
        for name in ["session", "remember_token"] {
            two.set_cookie(name, &one.cookie(name).unwrap());
        }
        assert_eq!(
            two.get("/protected").await.status,
            200,
            "a login made on one is valid on the other"
        );
        two.get("/logout").await;
        assert_eq!(
            one.get("/protected").await.status,
            302,
            "a logout on either is refused on both"
        );
    }
}

suite_server!(server:
    a_first_users_remember_cookie_copied_before_a_switch_is_dead_after_it,
    the_session_cookie_holds_only_a_random_id,
    every_login_and_confirm_issues_a_new_session_id,
    cookies_copied_before_logout_are_anonymous_after_it,
    a_user_sees_every_device_and_revokes_one,
    log_out_other_devices_keeps_this_one,
    another_users_handle_cannot_be_revoked,
    an_administrator_logs_a_user_out_everywhere,
    a_logged_out_or_revoked_login_leaves_nothing_in_the_store,
    two_app_servers_share_logins_and_logouts,
);

#[actix_rt::test]
async fn the_cookie_store_answers_501_to_session_lists() {
    let backend = Backend::cookie().unwrap();
    let mut browser = browser!(backend);
    browser.send(login_form("leafstorm", false)).await;
    let resp = browser.get("/sessions").await;
    assert_eq!(resp.status, 501);
    assert!(json(&resp)["error"].is_string());
    let revoke = TestRequest::post()
        .uri("/sessions/revoke")
        .set_form([("id", "others")]);
    assert_eq!(browser.send(revoke).await.status, 501);
}
