//! Random interleavings of login, request, logout, browser restart and "log out my other
//! devices", by three browsers across two app servers sharing one server-side store, each
//! answer checked against a model of who should be logged in where. Runs on the memory store
//! and on a real Redis.

// Test helpers may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;

use actix_web::test::{self, TestRequest};
use login_tests::{Client, Resp};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use crate::redis_server::RedisServer;
use crate::store_acceptance::{Backend, json, login_form};

const BROWSERS: usize = 3;
const USERS: [&str; 2] = ["leafstorm", "佐藤"];

#[derive(Clone, Debug)]
enum Op {
    Login {
        browser: usize,
        server: usize,
        user: usize,
        remember: bool,
    },
    Request {
        browser: usize,
        server: usize,
    },
    Logout {
        browser: usize,
        server: usize,
    },
    Restart {
        browser: usize,
    },
    RevokeOthers {
        browser: usize,
        server: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let b = 0..BROWSERS;
    let s = 0..2usize;
    prop_oneof![
        2 => (b.clone(), s.clone(), 0..USERS.len(), any::<bool>())
            .prop_map(|(browser, server, user, remember)| Op::Login { browser, server, user, remember }),
        3 => (b.clone(), s.clone()).prop_map(|(browser, server)| Op::Request { browser, server }),
        1 => (b.clone(), s.clone()).prop_map(|(browser, server)| Op::Logout { browser, server }),
        1 => b.clone().prop_map(|browser| Op::Restart { browser }),
        1 => (b, s).prop_map(|(browser, server)| Op::RevokeOthers { browser, server }),
    ]
}

/// One live login on the server: whose, whether remembered, and which browser still names it
/// with a cookie (`None`: its browser restarted and it was not remembered, so nobody holds it,
/// but it lives on the server until it expires, and "log out other devices" ends it too).
#[derive(Clone, Copy, Debug)]
struct Live {
    user: usize,
    remembered: bool,
    browser: Option<usize>,
}

/// The live logins on the server.
#[derive(Debug, Default)]
struct Model(Vec<Live>);

impl Model {
    fn held_by(&self, browser: usize) -> Option<Live> {
        self.0.iter().copied().find(|l| l.browser == Some(browser))
    }

    fn end_held_by(&mut self, browser: usize) {
        self.0.retain(|l| l.browser != Some(browser));
    }
}

/// Sends `req` from `browser` (its own cookie jar and User-Agent) to `server`.
async fn send<S, B>(
    server: &mut Client<S>,
    jar: &mut BTreeMap<String, String>,
    browser: usize,
    req: TestRequest,
) -> Resp
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    for name in server.cookie_names() {
        server.delete_cookie(&name);
    }
    for (name, value) in jar.iter() {
        server.set_cookie(name, value);
    }
    server.user_agent = format!("Browser/{browser}");
    let resp = server.send(req).await;
    jar.clear();
    for name in server.cookie_names() {
        jar.insert(name.clone(), server.cookie(&name).unwrap());
    }
    resp
}

async fn run(backend: &Backend, ops: &[Op]) -> Result<(), TestCaseError> {
    let manager = backend.manager(&[]);
    let mut servers = [
        Client::new(test::init_service(crate::quickstart::app(manager.clone())).await),
        Client::new(test::init_service(crate::quickstart::app(manager)).await),
    ];
    let mut jars: [BTreeMap<String, String>; BROWSERS] = Default::default();
    let mut model = Model::default();
    for op in ops {
        match *op {
            Op::Login {
                browser,
                server,
                user,
                remember,
            } => {
                let resp = send(
                    &mut servers[server],
                    &mut jars[browser],
                    browser,
                    login_form(USERS[user], remember),
                )
                .await;
                prop_assert!(resp.status.is_redirection(), "{op:?}: {}", resp.status);
                model.end_held_by(browser);
                model.0.push(Live {
                    user,
                    remembered: remember,
                    browser: Some(browser),
                });
            }
            Op::Request { browser, server } => {
                let resp = send(
                    &mut servers[server],
                    &mut jars[browser],
                    browser,
                    TestRequest::get().uri("/protected"),
                )
                .await;
                match model.held_by(browser) {
                    Some(live) => {
                        prop_assert_eq!(
                            resp.status.as_u16(),
                            200,
                            "{:?} should be {} ({:?})",
                            op,
                            USERS[live.user],
                            model
                        );
                        prop_assert!(
                            resp.body.contains(&format!("Logged in as: {}", USERS[live.user])),
                            "{}",
                            resp.body
                        );
                    }
                    None => prop_assert_eq!(
                        resp.status.as_u16(),
                        302,
                        "{:?} should be anonymous ({:?})",
                        op,
                        model
                    ),
                }
            }
            Op::Logout { browser, server } => {
                send(
                    &mut servers[server],
                    &mut jars[browser],
                    browser,
                    TestRequest::get().uri("/logout"),
                )
                .await;
                model.end_held_by(browser);
            }
            Op::Restart { browser } => {
                jars[browser].remove("session");
                for live in &mut model.0 {
                    if live.browser == Some(browser) && !live.remembered {
                        live.browser = None;
                    }
                }
            }
            Op::RevokeOthers { browser, server } => {
                let req = TestRequest::post()
                    .uri("/sessions/revoke")
                    .set_form([("id", "others")]);
                let resp = send(&mut servers[server], &mut jars[browser], browser, req).await;
                let Some(current) = model.held_by(browser) else {
                    prop_assert_eq!(resp.status.as_u16(), 401, "anonymous: {}", resp.body);
                    continue;
                };
                let is_other = |l: &Live| l.user == current.user && l.browser != Some(browser);
                let others = model.0.iter().filter(|l| is_other(l)).count();
                prop_assert_eq!(resp.status.as_u16(), 200, "{}", resp.body);
                prop_assert_eq!(
                    json(&resp)["revoked"].as_u64(),
                    Some(others as u64),
                    "{:?} {:?}",
                    op,
                    model
                );
                model.0.retain(|l| !is_other(l));
            }
        }
    }
    Ok(())
}

fn check(backend: impl Fn() -> Backend, cases: u32) {
    let system = actix_rt::System::new();
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&proptest::collection::vec(op(), 1..30), |ops| {
            let backend = backend();
            system.block_on(run(&backend, &ops))
        })
        .unwrap();
}

#[test]
fn random_interleavings_on_the_memory_store_match_the_model() {
    check(|| Backend::memory().unwrap(), 256);
}

#[test]
fn random_interleavings_on_redis_match_the_model() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let url = server.url();
    let server = std::sync::Arc::new(server);
    check(
        || {
            // Each case starts from an empty Redis, so "other devices" are this case's only.
            server.command(&["FLUSHALL"]);
            Backend::redis_at(&url)
        },
        64,
    );
}
