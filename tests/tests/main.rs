//! The integration tests of `login-runtime` and `login-macros`, as one test binary (`behaviour`)
//! so they link once.
//!
//! Each module is one behaviour and is named after what it proves; a test that ports a
//! Flask-Login test keeps that test's name with its section and item (`..__flask_2_4_item_34`),
//! so the parity table (`docs/flask-login-parity.md`) cites it as `module::function`, which is
//! also the filter that runs it:
//!
//! ```sh
//! cargo test -p login-tests --test behaviour remember::
//! ```
//!
//! Shared fixtures: the `login_tests` library (`tests/lib.rs`: the Flask-Login-like users, store,
//! loaders, routes and a cookie-keeping [`login_tests::Client`]), [`quickstart`] (the quickstart
//! example, included as a module), and [`support`] (fixtures used by a few modules here). The
//! trybuild cases live in `tests/ui/`, driven by [`diagnostics`].

// The crate-level part of the strict lint set of `lints.rs`: these lints are ignored on a module.
#![deny(non_ascii_idents, clippy::cargo)]
#![allow(clippy::cargo_common_metadata, clippy::multiple_crate_versions)]

/// The quickstart example (`examples/quickstart.rs`), driven in-process by several modules.
#[path = "../../examples/quickstart.rs"]
#[allow(dead_code, unreachable_pub)]
mod quickstart;

/// Fixtures shared by some of the modules below.
mod support {
    pub(crate) mod fetch;
    pub(crate) mod member_app;
}

/// A real `redis-server` per test, on a free loopback port (`tests/support/redis_server.rs`).
#[path = "../support/redis_server.rs"]
mod redis_server;

// Logging in, staying logged in, logging out.
mod auth_hash;
mod freshness;
mod login_logout;
mod remember;
mod session_protection;
mod session_protection_behind_proxies;
mod test_login_helper;
mod timeouts;
mod user_ids;

// Loading the user.
mod loaded_from;
mod loader_arguments;
mod loader_parameter_trace;
mod optional_current_user;
mod request_loader;
mod slow_loaders;
mod user_mixin;

// Refusing requests, and where to send the user.
mod anonymous_only;
mod guard_macros;
mod login_by_default;
mod login_scope;
mod login_url;
mod open_redirect;
mod permissions;
mod refusal_context;
mod refusals;
mod session_next;

// Where logins live: every session backend through one acceptance suite, and Redis faults.
mod store_acceptance;
mod store_faults;
mod store_model;

// Cookies.
mod cookie_attributes;
mod cookie_writes;
mod key_rotation;
mod malformed_cookies;
mod private_cookies;
mod stale_cookies;
mod tampered_cookies;

// Configuration, signals and logs.
mod config_errors;
mod event_hooks;
mod tracing_events;

// The quickstart example, and input meant to break it.
mod hostile_input;
mod quickstart_contract;
mod slow_request_bodies;

// The code the macros generate, and their compile errors.
mod diagnostics;
mod hygiene;
mod module_graph;

// What the published crates ship.
mod packaging;
// `pub`, so that `missing_docs` and `unreachable_pub`, which it denies, apply to its items as they
// would in a library crate.
pub mod lints;
