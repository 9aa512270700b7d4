//! Store faults and expiry, against a real `redis-server` (and the memory store where it
//! applies): an outage answers 503 within about a second and never looks like a logout, a
//! login attempted during it fails visibly, routes that never read the login state keep
//! working, and the process recovers by itself when Redis returns. Records expire with their
//! login, and the store returns to its size.

// Test helpers may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use login_runtime::store::{MemoryStore, RedisStore, SessionStore};
use login_tests::{Client, Store, TestUser, builder, client};

use crate::redis_server::RedisServer;
use crate::store_acceptance::{Backend, json, login_form};

/// Sends GET `uri` until `done` says the answer is the awaited one, for at most `within`.
macro_rules! eventually {
    ($client:expr, $uri:expr, $within:expr, $done:expr) => {{
        let deadline = Instant::now() + $within;
        loop {
            let resp = $client.get($uri).await;
            if $done(&resp) {
                break resp;
            }
            assert!(
                Instant::now() < deadline,
                "still {} after {:?}: {}",
                resp.status,
                $within,
                resp.body
            );
            actix_rt::time::sleep(Duration::from_millis(100)).await;
        }
    }};
}

#[actix_rt::test]
async fn a_paused_redis_answers_503_quickly_and_logins_made_before_work_after() {
    let Some(backend) = Backend::redis() else { return };
    let mut browser = crate::store_acceptance::browser!(backend);
    browser.send(login_form("leafstorm", true)).await;
    assert_eq!(browser.get("/protected").await.status, 200);
    let Backend::Redis(server) = &backend else {
        unreachable!()
    };
    server.pause(Duration::from_secs(3));
    let started = Instant::now();
    let resp = browser.get("/protected").await;
    assert_eq!(
        resp.status, 503,
        "never a redirect to the login page: {}",
        resp.body
    );
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "answered in {:?}",
        started.elapsed()
    );
    assert_eq!(resp.header("retry-after"), Some("1"));
    let api = browser.get("/api/me").await;
    assert_eq!(api.status, 503);
    assert!(
        json(&api)["error"].is_string(),
        "JSON in JSON routes: {}",
        api.body
    );
    assert_eq!(
        browser.get("/login").await.status,
        200,
        "a route that never reads the login state"
    );
    assert!(
        browser.cookie("session").is_some(),
        "the outage deleted no cookie"
    );
    let resp = eventually!(
        browser,
        "/protected",
        Duration::from_secs(8),
        |r: &login_tests::Resp| r.status == 200
    );
    assert!(resp.body.contains("leafstorm"));
}

#[actix_rt::test]
async fn a_stopped_redis_fails_logins_visibly_and_the_process_recovers_when_it_returns() {
    let Some(mut backend) = Backend::redis() else {
        return;
    };
    let mut browser = crate::store_acceptance::browser!(backend);
    browser.send(login_form("leafstorm", false)).await;
    let Backend::Redis(server) = &mut backend else {
        unreachable!()
    };
    server.stop();
    let started = Instant::now();
    assert_eq!(browser.get("/protected").await.status, 503);
    assert!(started.elapsed() < Duration::from_millis(1500));
    let manager = backend.manager(&[]);
    let mut newcomer = Client::new(actix_web::test::init_service(crate::quickstart::app(manager)).await);
    let resp = newcomer.send(login_form("佐藤", false)).await;
    assert_eq!(
        resp.status, 503,
        "a login during the outage fails visibly: {}",
        resp.body
    );
    assert!(newcomer.cookie("session").is_none(), "and sets no cookie");
    assert_eq!(newcomer.get("/login").await.status, 200);
    let Backend::Redis(server) = &mut backend else {
        unreachable!()
    };
    server.start_again();
    // The restarted server is empty (no persistence in the tests): the old login is gone,
    // which is anonymous; a new login works again within a few seconds, with no rebuild.
    eventually!(
        browser,
        "/protected",
        Duration::from_secs(8),
        |r: &login_tests::Resp| r.status == 302
    );
    let deadline = Instant::now() + Duration::from_secs(8);
    while newcomer.send(login_form("佐藤", false)).await.status == 503 {
        assert!(Instant::now() < deadline, "no recovery");
        actix_rt::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(newcomer.get("/protected").await.status, 200);
}

/// Logs `count` users in on a store whose logins live one second, then waits them out.
async fn expire_logins(store: impl SessionStore, count: usize, size: impl Fn() -> i64) {
    let before = size();
    let users = Store::new();
    let manager = builder()
        .session_store(store)
        .session_lifetime(Duration::from_secs(1))
        .build()
        .unwrap();
    for i in 0..count {
        let id = format!("user{i}");
        users.insert(TestUser::new(&id));
        let mut browser = client!(manager.clone(), users);
        let resp = browser.get(&format!("/login/{id}")).await;
        assert!(resp.body.starts_with("logged in"), "{}", resp.body);
        assert!(browser.get("/secret").await.status == 200);
    }
    assert!(size() > before, "the logins are in the store");
    actix_rt::time::sleep(Duration::from_millis(2200)).await;
    let mut browser = client!(manager.clone(), users);
    browser.get("/login/user0").await;
    browser.get("/logout").await;
    let deadline = Instant::now() + Duration::from_secs(5);
    while size() > before {
        assert!(
            Instant::now() < deadline,
            "the store kept {} entries",
            size() - before
        );
        actix_rt::time::sleep(Duration::from_millis(100)).await;
    }
}

#[actix_rt::test]
async fn memory_records_expire_and_the_store_returns_to_its_size() {
    let store = MemoryStore::new();
    let probe = store.clone();
    expire_logins(store, 20, move || i64::try_from(probe.len()).unwrap()).await;
}

#[actix_rt::test]
async fn redis_records_expire_and_the_store_returns_to_its_size() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let store = RedisStore::new(&server.url()).unwrap();
    expire_logins(store, 20, || server.dbsize()).await;
}

#[actix_rt::test]
async fn a_guarded_request_costs_one_redis_read_and_no_write_in_steady_state() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let backend = Backend::Redis(server);
    let mut browser = crate::store_acceptance::browser!(backend);
    browser.send(login_form("leafstorm", false)).await;
    browser.get("/protected").await;
    let Backend::Redis(server) = &backend else {
        unreachable!()
    };
    server.command(&["CONFIG", "RESETSTAT"]);
    for _ in 0..10 {
        assert_eq!(browser.get("/protected").await.status, 200);
    }
    let stats = server.command(&["INFO", "commandstats"]).text();
    let calls = |name: &str| -> u64 {
        stats
            .lines()
            .find_map(|l| l.strip_prefix(&format!("cmdstat_{name}:calls=")))
            .and_then(|rest| rest.split(',').next())
            .map_or(0, |n| n.parse().unwrap())
    };
    assert_eq!(calls("get"), 10, "{stats}");
    for write in ["set", "del", "sadd", "pexpire", "exec"] {
        assert_eq!(calls(write), 0, "{write} in steady state: {stats}");
    }
}

/// A store that counts its calls and can be switched to failing, around a memory store.
#[derive(Clone, Default)]
struct Probe {
    inner: MemoryStore,
    calls: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    down: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Probe {
    fn call(&self) -> Result<(), login_runtime::StoreError> {
        self.calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        if self.down.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(login_runtime::StoreError::unavailable(
                "the probe is switched off",
            ));
        }
        Ok(())
    }

    fn calls(&self) -> usize {
        self.calls.load(std::sync::atomic::Ordering::SeqCst)
    }
}

impl SessionStore for Probe {
    fn load<'a>(
        &'a self,
        key: &'a login_runtime::store::RecordKey,
    ) -> login_runtime::store::StoreFuture<'a, Option<Vec<u8>>> {
        match self.call() {
            Ok(()) => self.inner.load(key),
            Err(e) => Box::pin(std::future::ready(Err(e))),
        }
    }

    fn save<'a>(
        &'a self,
        key: &'a login_runtime::store::RecordKey,
        user: &'a login_runtime::store::UserKey,
        record: &'a [u8],
        ttl: Duration,
    ) -> login_runtime::store::StoreFuture<'a, ()> {
        match self.call() {
            Ok(()) => self.inner.save(key, user, record, ttl),
            Err(e) => Box::pin(std::future::ready(Err(e))),
        }
    }

    fn delete<'a>(
        &'a self,
        key: &'a login_runtime::store::RecordKey,
    ) -> login_runtime::store::StoreFuture<'a, ()> {
        match self.call() {
            Ok(()) => self.inner.delete(key),
            Err(e) => Box::pin(std::future::ready(Err(e))),
        }
    }

    fn list<'a>(
        &'a self,
        user: &'a login_runtime::store::UserKey,
    ) -> login_runtime::store::StoreFuture<'a, Vec<(login_runtime::store::RecordKey, Vec<u8>)>> {
        match self.call() {
            Ok(()) => self.inner.list(user),
            Err(e) => Box::pin(std::future::ready(Err(e))),
        }
    }
}

#[actix_rt::test]
async fn a_cookie_with_a_bad_signature_never_reaches_the_store() {
    let probe = Probe::default();
    let users = Store::new();
    users.insert(TestUser::new("ada"));
    let manager = builder().session_store(probe.clone()).build().unwrap();
    let mut browser = client!(manager, users);
    browser.get("/login/ada?remember=true").await;
    let before = probe.calls();
    for name in ["session", "remember_token"] {
        let value = browser.cookie(name).unwrap();
        let last = if value.ends_with('A') { "B" } else { "A" };
        let forged = format!("{}{last}", &value[..value.len() - 1]);
        assert_ne!(forged, value);
        let mut thief = client!(builder().session_store(probe.clone()).build().unwrap(), users);
        thief.set_cookie(name, &forged);
        assert_eq!(thief.get("/secret").await.status, 401);
    }
    assert_eq!(probe.calls(), before, "no store call for a forged cookie");
    assert_eq!(browser.get("/secret").await.status, 200);
    assert_eq!(probe.calls(), before + 1, "one load for a genuine one");
}

#[actix_rt::test]
async fn the_application_chooses_how_an_outage_is_answered() {
    let probe = Probe::default();
    let users = Store::new();
    users.insert(TestUser::new("ada"));
    let manager = builder()
        .session_store(probe.clone())
        .store_unavailable_handler(|_req, err| {
            actix_web::HttpResponse::ServiceUnavailable().body(format!(
                "maintenance: {}",
                err.kind() == login_runtime::StoreErrorKind::Unavailable
            ))
        })
        .build()
        .unwrap();
    let mut browser = client!(manager.clone(), users);
    browser.get("/login/ada").await;
    probe.down.store(true, std::sync::atomic::Ordering::SeqCst);
    let resp = browser.get("/secret").await;
    assert_eq!(
        (resp.status.as_u16(), resp.body.as_str()),
        (503, "maintenance: true")
    );
    let mut newcomer = client!(manager, users);
    let resp = newcomer.get("/login/ada").await;
    // The fixture's handler answers a refused login itself; the error says why.
    assert!(
        resp.body
            .contains("the login could not be recorded: the session store is unavailable"),
        "{}",
        resp.body
    );
    assert!(
        newcomer.cookie("session").is_none(),
        "a failed login sets no cookie"
    );
    assert_eq!(
        browser.get("/").await.status,
        200,
        "a route that never reads the login state"
    );
    probe.down.store(false, std::sync::atomic::Ordering::SeqCst);
    assert_eq!(
        browser.get("/secret").await.status,
        200,
        "back as soon as the store answers"
    );
}
