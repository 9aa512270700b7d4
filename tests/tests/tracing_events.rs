//! The "+ tracing" half of the README's signals row: besides calling `on_event` hooks, each of
//! Flask-Login's nine signals is logged as a `tracing` event at target `login_runtime`.
//!
//! Each test installs a small capturing subscriber as the thread's default for just the request
//! under test (`#[actix_rt::test]` runs the app on the test thread), then checks that an event
//! with the exact message, level and `user` field of the signal was recorded. No hook is
//! registered, so the events come from the runtime's own logging, not from `on_event` (whose
//! hooks are checked in `event_hooks.rs`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::{Arc, Mutex};

use login_runtime::SessionProtection;
use login_tests::{Store, builder, client};
use tracing::field::{Field, Visit};
use tracing::subscriber::DefaultGuard;
use tracing::{Event, Level, Metadata, Subscriber, span};

/// One recorded `tracing` event.
#[derive(Clone, Debug)]
pub(crate) struct Recorded {
    target: String,
    pub(crate) level: Level,
    pub(crate) message: String,
    /// The other fields, as `name=value` (values formatted as the runtime wrote them).
    pub(crate) fields: Vec<String>,
}

/// A subscriber that records every event into a shared list.
#[derive(Clone, Default)]
pub(crate) struct Capture(Arc<Mutex<Vec<Recorded>>>);

impl Capture {
    /// Makes a fresh capture the current thread's default subscriber until the guard drops.
    pub(crate) fn install() -> (Capture, DefaultGuard) {
        let capture = Capture::default();
        let guard = tracing::subscriber::set_default(capture.clone());
        (capture, guard)
    }

    /// The events recorded at target `login_runtime`.
    pub(crate) fn runtime_events(&self) -> Vec<Recorded> {
        self.0
            .lock()
            .unwrap()
            .iter()
            .filter(|e| e.target == "login_runtime")
            .cloned()
            .collect()
    }

    /// The single `login_runtime` event with `message`; fails the test if there is not exactly
    /// one.
    fn only(&self, message: &str) -> Recorded {
        let all = self.runtime_events();
        let found: Vec<_> = all.iter().filter(|e| e.message == message).cloned().collect();
        assert_eq!(
            found.len(),
            1,
            "expected one `login_runtime` event {message:?}; recorded: {all:#?}"
        );
        found.into_iter().next().unwrap()
    }

    /// Fails the test if any `login_runtime` event carries `message`.
    fn assert_none(&self, message: &str) {
        let all = self.runtime_events();
        assert!(
            all.iter().all(|e| e.message != message),
            "expected no `login_runtime` event {message:?}; recorded: {all:#?}"
        );
    }
}

struct Fields<'a>(&'a mut Recorded);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.0.message = format!("{value:?}");
        } else {
            self.0.fields.push(format!("{}={value:?}", field.name()));
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.0.message = value.to_owned();
        } else {
            self.0.fields.push(format!("{}={value}", field.name()));
        }
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, _: &span::Attributes<'_>) -> span::Id {
        span::Id::from_u64(1)
    }

    fn record(&self, _: &span::Id, _: &span::Record<'_>) {}

    fn record_follows_from(&self, _: &span::Id, _: &span::Id) {}

    fn event(&self, event: &Event<'_>) {
        let meta = event.metadata();
        let mut recorded = Recorded {
            target: meta.target().to_owned(),
            level: *meta.level(),
            message: String::new(),
            fields: Vec::new(),
        };
        event.record(&mut Fields(&mut recorded));
        self.0.lock().unwrap().push(recorded);
    }

    fn enter(&self, _: &span::Id) {}

    fn exit(&self, _: &span::Id) {}
}

#[actix_rt::test]
async fn logging_in_emits_an_info_user_logged_in_event_naming_the_user() {
    let store = Store::new();
    let mut c = client!(builder().build().unwrap(), store);
    let (capture, _guard) = Capture::install();
    assert!(c.get("/login/notch").await.body.starts_with("logged in"));
    let e = capture.only("user logged in");
    assert_eq!(e.level, Level::INFO);
    assert_eq!(e.fields, ["user=notch"]);
}

#[actix_rt::test]
async fn logging_out_emits_an_info_user_logged_out_event_naming_the_previous_user() {
    let store = Store::new();
    let mut c = client!(builder().build().unwrap(), store);
    c.get("/login/notch").await;
    let (capture, _guard) = Capture::install();
    assert!(c.get("/logout").await.body.starts_with("logged out"));
    let e = capture.only("user logged out");
    assert_eq!(e.level, Level::INFO);
    assert_eq!(e.fields, [r#"user=Some("notch")"#]);
    capture.assert_none("user logged in");
}

#[actix_rt::test]
async fn logging_out_anonymously_still_emits_user_logged_out_without_a_user() {
    let store = Store::new();
    let mut c = client!(builder().build().unwrap(), store);
    let (capture, _guard) = Capture::install();
    c.get("/logout").await;
    assert_eq!(capture.only("user logged out").fields, ["user=None"]);
}

#[actix_rt::test]
async fn a_refused_anonymous_request_emits_a_debug_unauthorized_event() {
    let store = Store::new();
    let mut c = client!(builder().build().unwrap(), store);
    let (capture, _guard) = Capture::install();
    assert_eq!(c.get("/secret").await.status, 401);
    assert_eq!(capture.only("unauthorized").level, Level::DEBUG);
    capture.assert_none("needs refresh");
}

#[actix_rt::test]
async fn a_non_fresh_login_refused_by_a_fresh_guard_emits_a_debug_needs_refresh_event() {
    let store = Store::new();
    let mut c = client!(builder().build().unwrap(), store);
    c.get("/login/notch?remember=true").await;
    c.restart_browser();
    let (capture, _guard) = Capture::install();
    assert_eq!(c.get("/fresh").await.status, 401);
    assert_eq!(capture.only("needs refresh").level, Level::DEBUG);
    capture.assert_none("unauthorized");
}

#[actix_rt::test]
async fn a_login_restored_from_the_remember_cookie_emits_a_debug_event_naming_the_user() {
    let store = Store::new();
    let mut c = client!(builder().build().unwrap(), store);
    c.get("/login/notch?remember=true").await;
    c.restart_browser();
    let (capture, _guard) = Capture::install();
    assert_eq!(c.get("/username").await.body, "notch");
    let e = capture.only("user restored from remember cookie");
    assert_eq!(e.level, Level::DEBUG);
    assert_eq!(e.fields, ["user=notch"]);
}

#[actix_rt::test]
async fn a_login_by_the_request_loader_emits_a_debug_event_naming_the_user() {
    let store = Store::new();
    let mut c = client!(builder().build().unwrap(), store);
    let (capture, _guard) = Capture::install();
    assert_eq!(c.get("/username?user_id=steve").await.body, "steve");
    let e = capture.only("user loaded from request");
    assert_eq!(e.level, Level::DEBUG);
    assert_eq!(e.fields, ["user=steve"]);
}

#[actix_rt::test]
async fn confirming_a_login_emits_a_debug_login_confirmed_event() {
    let store = Store::new();
    let mut c = client!(builder().build().unwrap(), store);
    c.get("/login/notch?remember=true").await;
    c.restart_browser();
    let (capture, _guard) = Capture::install();
    assert!(c.get("/confirm").await.body.starts_with("confirmed=true"));
    assert_eq!(capture.only("login confirmed").level, Level::DEBUG);
}

#[actix_rt::test]
async fn reading_the_login_state_emits_one_trace_login_state_accessed_event() {
    let store = Store::new();
    let mut c = client!(builder().build().unwrap(), store);
    c.get("/login/notch").await;
    let (capture, _guard) = Capture::install();
    assert!(c.get("/state").await.body.starts_with("user=notch"));
    assert_eq!(capture.only("login state accessed").level, Level::TRACE);
}

#[actix_rt::test]
async fn a_changed_fingerprint_under_session_protection_emits_an_info_event() {
    let store = Store::new();
    let manager = builder()
        .session_protection(SessionProtection::Basic)
        .build()
        .unwrap();
    let mut c = client!(manager, store);
    c.get("/login/notch").await;
    c.user_agent = "another browser/2.0".to_owned();
    let (capture, _guard) = Capture::install();
    c.get("/state").await;
    assert_eq!(capture.only("session protection triggered").level, Level::INFO);
}

#[actix_rt::test]
async fn a_request_that_never_reads_the_login_state_emits_no_runtime_event() {
    // The counterpart of the tests above: the capture does not invent events.
    let store = Store::new();
    let mut c = client!(builder().build().unwrap(), store);
    c.get("/login/notch").await;
    let (capture, _guard) = Capture::install();
    assert_eq!(c.get("/").await.body, "Welcome!");
    assert!(
        capture.runtime_events().is_empty(),
        "{:#?}",
        capture.runtime_events()
    );
}
