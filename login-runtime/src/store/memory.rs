//! [`MemoryStore`]: server-side sessions in this process.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use crate::store::{RecordKey, SessionStore, StoreFuture, UserKey};

/// How many expired records one call removes at most (the sweep is spread over the calls).
const SWEEP_PER_CALL: usize = 64;

/// Server-side sessions kept in this process: revocable logins and a user's live sessions for
/// a single-process application, and for tests. Logins do not survive a restart and are not
/// shared between processes; use `RedisStore` (feature `redis`) for that.
///
/// Expired records are never returned, and their memory is reclaimed by a sweep that removes
/// up to 64 expired records on each call (oldest deadline first), so the store returns to its
/// size as logins expire without a background task. Clones share one store.
///
/// ```
/// # use login_runtime::{LoginManager, UserMixin, user_loader};
/// # #[derive(Clone, UserMixin)] struct User { id: String }
/// # #[user_loader] async fn load(id: String) -> Option<User> { None }
/// use login_runtime::store::MemoryStore;
///
/// let store = MemoryStore::new();
/// let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
///     .session_store(store.clone())
///     .build()?;
/// assert_eq!(store.len(), 0);
/// # Ok::<(), login_runtime::ConfigError>(())
/// ```
#[derive(Clone, Default)]
pub struct MemoryStore {
    inner: Arc<Mutex<Inner>>,
}

#[derive(Default)]
struct Inner {
    records: HashMap<RecordKey, Entry>,
    users: HashMap<UserKey, HashSet<RecordKey>>,
    /// Every record by deadline, for the sweep.
    deadlines: BTreeSet<(Instant, RecordKey)>,
}

struct Entry {
    user: UserKey,
    bytes: Vec<u8>,
    deadline: Instant,
}

impl std::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryStore")
            .field("records", &self.len())
            .finish()
    }
}

impl MemoryStore {
    /// An empty store.
    ///
    /// ```
    /// let store = login_runtime::store::MemoryStore::new();
    /// assert!(store.is_empty());
    /// ```
    pub fn new() -> Self {
        MemoryStore::default()
    }

    /// How many records the store holds, expired ones not yet swept included.
    ///
    /// ```
    /// assert_eq!(login_runtime::store::MemoryStore::new().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.lock().records.len()
    }

    /// Whether the store holds no record.
    ///
    /// ```
    /// assert!(login_runtime::store::MemoryStore::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Removes every expired record now (the calls do it a little at a time anyway).
    ///
    /// ```
    /// let store = login_runtime::store::MemoryStore::new();
    /// store.sweep();
    /// assert!(store.is_empty());
    /// ```
    pub fn sweep(&self) {
        self.lock().sweep(Instant::now(), usize::MAX);
    }

    /// The lock; a panic while it was held cannot leave the maps half-written (every update
    /// is done in one place), so a poisoned lock is used as is.
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Inner {
    fn remove(&mut self, key: &RecordKey) {
        if let Some(entry) = self.records.remove(key) {
            self.deadlines.remove(&(entry.deadline, *key));
            if let Some(keys) = self.users.get_mut(&entry.user) {
                keys.remove(key);
                if keys.is_empty() {
                    self.users.remove(&entry.user);
                }
            }
        }
    }

    /// Removes up to `limit` records whose deadline has passed.
    fn sweep(&mut self, now: Instant, limit: usize) {
        let expired: Vec<RecordKey> = self
            .deadlines
            .iter()
            .take_while(|(deadline, _)| *deadline <= now)
            .take(limit)
            .map(|(_, key)| *key)
            .collect();
        for key in expired {
            self.remove(&key);
        }
    }

    fn live(&self, key: &RecordKey, now: Instant) -> Option<&Entry> {
        self.records.get(key).filter(|e| e.deadline > now)
    }
}

impl SessionStore for MemoryStore {
    fn load<'a>(&'a self, key: &'a RecordKey) -> StoreFuture<'a, Option<Vec<u8>>> {
        let now = Instant::now();
        let mut inner = self.lock();
        inner.sweep(now, SWEEP_PER_CALL);
        let found = inner.live(key, now).map(|e| e.bytes.clone());
        Box::pin(std::future::ready(Ok(found)))
    }

    fn save<'a>(
        &'a self,
        key: &'a RecordKey,
        user: &'a UserKey,
        record: &'a [u8],
        ttl: Duration,
    ) -> StoreFuture<'a, ()> {
        let now = Instant::now();
        let deadline = now
            .checked_add(ttl)
            .unwrap_or(now + Duration::from_secs(365 * 86_400));
        let mut inner = self.lock();
        inner.sweep(now, SWEEP_PER_CALL);
        inner.remove(key);
        inner.records.insert(
            *key,
            Entry {
                user: *user,
                bytes: record.to_vec(),
                deadline,
            },
        );
        inner.deadlines.insert((deadline, *key));
        inner.users.entry(*user).or_default().insert(*key);
        Box::pin(std::future::ready(Ok(())))
    }

    fn delete<'a>(&'a self, key: &'a RecordKey) -> StoreFuture<'a, ()> {
        self.lock().remove(key);
        Box::pin(std::future::ready(Ok(())))
    }

    fn list<'a>(&'a self, user: &'a UserKey) -> StoreFuture<'a, Vec<(RecordKey, Vec<u8>)>> {
        let now = Instant::now();
        let mut inner = self.lock();
        inner.sweep(now, SWEEP_PER_CALL);
        let found = inner
            .users
            .get(user)
            .into_iter()
            .flatten()
            .filter_map(|key| Some((*key, inner.live(key, now)?.bytes.clone())))
            .collect();
        Box::pin(std::future::ready(Ok(found)))
    }
}
