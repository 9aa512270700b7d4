//! The actix-web middleware, and how the pieces compose.
//!
//! [`LoginManager`] (`manager.rs`) wraps the whole app: for each request it inserts one login
//! context into the request extensions (nothing is parsed yet) and, when the response comes
//! back, writes whatever the context changed (cookies, `Vary`). [`LoginScope`] (`scope.rs`)
//! wraps an actix `Scope` and inserts that scope's views and answer flavour, which a refusal
//! reads (`refusal.rs`); a login-by-default scope also checks the login before its routes,
//! except on the paths it declares public (`public_paths.rs`). The guards and extractors in between reach the context through the
//! extensions. [`BodyDeadline`] (`body_deadline.rs`) is independent of the rest: it bounds
//! how long a request body may take to arrive.

mod body_deadline;
mod manager;
mod public_paths;
pub(crate) mod scope;

pub use body_deadline::{BodyDeadline, BodyDeadlineFuture, BodyDeadlineMiddleware};
pub use manager::{LoginFuture, LoginManager, LoginMiddleware};
pub use scope::{LoginScope, LoginScopeFuture, LoginScopeMiddleware};
