//! Where logins live: the session-store seam.
//!
//! Two kinds of backend sit behind it:
//!
//! - **the stateless signed cookie** (the default, `cookie.rs`): the whole login state is in
//!   the `session` cookie; nothing to install or run, nothing to revoke;
//! - **a server-side store**: any [`SessionStore`], such as [`MemoryStore`] (one process) or
//!   `RedisStore` (feature `redis`, many processes). The `session` cookie then holds only a
//!   signed random id, and the login lives in a record on the server, so a logout or a
//!   revocation ends it everywhere at once.
//!
//! The runtime picks between the two with an enum (`Config::server`), not a trait object on
//! the default path, so the cookie backend stays synchronous and allocation-free.
//!
//! # Writing a backend
//!
//! A backend stores opaque records under opaque keys, with an expiry, and can list the records
//! of one user. Everything else (ids, digests, the record format, expiry times, touch
//! throttling, timeouts) is the runtime's, so a backend is a thin adapter over a key-value
//! store. The runtime wraps every call in the store timeout, so a backend need not.
//!
//! ```
//! use std::collections::HashMap;
//! use std::sync::Mutex;
//! use std::time::{Duration, Instant};
//! use login_runtime::store::{RecordKey, SessionStore, StoreFuture, UserKey};
//!
//! /// A toy backend: one map, expired records filtered on read.
//! #[derive(Default)]
//! struct MapStore(Mutex<HashMap<RecordKey, (UserKey, Vec<u8>, Instant)>>);
//!
//! impl SessionStore for MapStore {
//!     fn load<'a>(&'a self, key: &'a RecordKey) -> StoreFuture<'a, Option<Vec<u8>>> {
//!         let map = self.0.lock().unwrap();
//!         let found = map.get(key).filter(|r| r.2 > Instant::now()).map(|r| r.1.clone());
//!         Box::pin(async move { Ok(found) })
//!     }
//!     fn save<'a>(&'a self, key: &'a RecordKey, user: &'a UserKey, record: &'a [u8], ttl: Duration)
//!         -> StoreFuture<'a, ()> {
//!         let entry = (*user, record.to_vec(), Instant::now() + ttl);
//!         self.0.lock().unwrap().insert(*key, entry);
//!         Box::pin(async { Ok(()) })
//!     }
//!     fn delete<'a>(&'a self, key: &'a RecordKey) -> StoreFuture<'a, ()> {
//!         self.0.lock().unwrap().remove(key);
//!         Box::pin(async { Ok(()) })
//!     }
//!     fn list<'a>(&'a self, user: &'a UserKey) -> StoreFuture<'a, Vec<(RecordKey, Vec<u8>)>> {
//!         let now = Instant::now();
//!         let map = self.0.lock().unwrap();
//!         let found = map
//!             .iter()
//!             .filter(|(_, r)| r.0 == *user && r.2 > now)
//!             .map(|(k, r)| (*k, r.1.clone()))
//!             .collect();
//!         Box::pin(async move { Ok(found) })
//!     }
//! }
//! # use login_runtime::{LoginManager, UserMixin, user_loader};
//! # #[derive(Clone, UserMixin)] struct User { id: String }
//! # #[user_loader] async fn load(id: String) -> Option<User> { None }
//! let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
//!     .session_store(MapStore::default())
//!     .build()?;
//! # Ok::<(), login_runtime::ConfigError>(())
//! ```
//!
//! The acceptance suite in the `login-tests` crate (`tests/tests/store_acceptance.rs`) runs
//! the same behaviour tests against every backend; run it against yours the same way.

pub(crate) mod cookie;
pub(crate) mod keys;
mod memory;
pub(crate) mod record;
#[cfg(feature = "redis")]
mod redis;
pub(crate) mod server;
pub(crate) mod state;

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

pub use crate::error::{StoreError, StoreErrorKind};
pub use keys::{RecordKey, UserKey};
pub use memory::MemoryStore;
#[cfg(feature = "redis")]
pub use redis::RedisStore;

/// The future a [`SessionStore`] call returns: boxed and `Send`, so a store can be called from
/// request handlers and from background tasks alike.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// A server-side session store: opaque records under opaque keys, each with an expiry, and an
/// index of each user's records.
///
/// Keys are digests ([`RecordKey`], [`UserKey`]), never cookie values: a dump of the store
/// yields nothing a client could send. Records are the runtime's own versioned encoding;
/// a backend stores and returns them byte for byte. See the [module docs](self) for a
/// complete backend.
///
/// Contract (checked by the acceptance suite):
///
/// - `save` replaces any record under `key`, keeps it for `ttl` (after which `load` and
///   `list` no longer return it, and its space is reclaimed without further calls), and
///   adds `key` to `user`'s index;
/// - `delete` of a missing key succeeds; afterwards `load` returns `None`;
/// - `list` returns every live record saved for `user` and not deleted; stale index entries
///   (expired or deleted records) are the backend's to skip and clean up;
/// - every failure is an `Err` ([`StoreError::unavailable`] for an unreachable store), never a
///   panic and never an empty answer: an empty answer would log users out.
pub trait SessionStore: Send + Sync + 'static {
    /// The record under `key`, if there is one and it has not expired.
    fn load<'a>(&'a self, key: &'a RecordKey) -> StoreFuture<'a, Option<Vec<u8>>>;

    /// Stores `record` under `key` for `ttl`, replacing what was there, and adds `key` to
    /// `user`'s index.
    fn save<'a>(
        &'a self,
        key: &'a RecordKey,
        user: &'a UserKey,
        record: &'a [u8],
        ttl: Duration,
    ) -> StoreFuture<'a, ()>;

    /// Deletes the record under `key`; deleting a missing record is not an error.
    fn delete<'a>(&'a self, key: &'a RecordKey) -> StoreFuture<'a, ()>;

    /// Every live record of `user`, with its key.
    fn list<'a>(&'a self, user: &'a UserKey) -> StoreFuture<'a, Vec<(RecordKey, Vec<u8>)>>;
}
