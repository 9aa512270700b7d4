//! [`SqliteSessionStore`]: the app's logins kept server-side, in its own SQLite database,
//! through `login-runtime`'s public [`SessionStore`] trait.
//!
//! With a server-side store the `session` cookie holds only a signed random id; the login
//! itself is a row of `login_sessions` (migration `0002_create_login_sessions.sql`). So a
//! logout deletes the row and a copied cookie stops working at once, and the "Active sessions"
//! page can list a user's logins on every device and end any of them.
//!
//! The store is a thin adapter: the runtime hands it opaque keys (digests, never cookie
//! values), opaque records and a lifetime, and wraps every call in its store timeout. Expired
//! rows are never returned, and are deleted a hundred at a time, oldest first, by each `save`,
//! so the table shrinks back as logins expire without a background task.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use login_runtime::store::{RecordKey, SessionStore, StoreError, StoreFuture, UserKey};
use sqlx::Row;
use sqlx::sqlite::SqlitePool;

/// How many expired rows one `save` deletes at most.
const SWEEP_PER_SAVE: i64 = 100;

/// The app's session store: the `login_sessions` table of the app's SQLite database, on the
/// same pool as the users. Clones share the pool.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use login_example_app::db::{Db, User};
/// use login_example_app::session_store::SqliteSessionStore;
/// use login_runtime::LoginManager;
///
/// let db = Db::connect("sqlite://app.db").await?; // applies the migrations
/// let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
///     .session_store(SqliteSessionStore::new(db.pool().clone()))
///     .build()?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct SqliteSessionStore {
    pool: SqlitePool,
}

impl SqliteSessionStore {
    /// A store on `pool`, whose database has the `login_sessions` table ([`Db::connect`]
    /// creates it).
    ///
    /// [`Db::connect`]: crate::db::Db::connect
    pub fn new(pool: SqlitePool) -> Self {
        SqliteSessionStore { pool }
    }
}

/// Now, in Unix milliseconds (the unit of `expires_at`).
fn now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// The `expires_at` of a row saved at `now` for `ttl`.
fn deadline(now: i64, ttl: Duration) -> i64 {
    now.saturating_add(i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX))
}

/// A database failure, as the runtime expects it: the store is unavailable (never an empty
/// answer, which would log users out).
fn unavailable(doing: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |err| StoreError::unavailable(format!("SQLite session store, {doing}: {err}"))
}

/// A `key` column read back as a [`RecordKey`].
fn record_key(bytes: &[u8]) -> Result<RecordKey, StoreError> {
    <[u8; 32]>::try_from(bytes)
        .map(RecordKey::from_bytes)
        .map_err(|_| StoreError::corrupt(format!("a login_sessions key is {} bytes, not 32", bytes.len())))
}

impl SessionStore for SqliteSessionStore {
    fn load<'a>(&'a self, key: &'a RecordKey) -> StoreFuture<'a, Option<Vec<u8>>> {
        Box::pin(async move {
            let row = sqlx::query("SELECT record FROM login_sessions WHERE key = ? AND expires_at > ?")
                .bind(key.as_bytes().as_slice())
                .bind(now_millis())
                .fetch_optional(&self.pool)
                .await
                .map_err(unavailable("loading a login"))?;
            row.map(|row| row.try_get("record"))
                .transpose()
                .map_err(unavailable("reading a login"))
        })
    }

    fn save<'a>(
        &'a self,
        key: &'a RecordKey,
        user: &'a UserKey,
        record: &'a [u8],
        ttl: Duration,
    ) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let now = now_millis();
            sqlx::query(
                "DELETE FROM login_sessions WHERE key IN \
                 (SELECT key FROM login_sessions WHERE expires_at <= ? ORDER BY expires_at LIMIT ?)",
            )
            .bind(now)
            .bind(SWEEP_PER_SAVE)
            .execute(&self.pool)
            .await
            .map_err(unavailable("deleting expired logins"))?;
            sqlx::query(
                "INSERT INTO login_sessions (key, user_key, record, expires_at) VALUES (?, ?, ?, ?) \
                 ON CONFLICT (key) DO UPDATE SET user_key = excluded.user_key, \
                 record = excluded.record, expires_at = excluded.expires_at",
            )
            .bind(key.as_bytes().as_slice())
            .bind(user.as_bytes().as_slice())
            .bind(record)
            .bind(deadline(now, ttl))
            .execute(&self.pool)
            .await
            .map_err(unavailable("saving a login"))?;
            Ok(())
        })
    }

    fn delete<'a>(&'a self, key: &'a RecordKey) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            sqlx::query("DELETE FROM login_sessions WHERE key = ?")
                .bind(key.as_bytes().as_slice())
                .execute(&self.pool)
                .await
                .map_err(unavailable("deleting a login"))?;
            Ok(())
        })
    }

    fn list<'a>(&'a self, user: &'a UserKey) -> StoreFuture<'a, Vec<(RecordKey, Vec<u8>)>> {
        Box::pin(async move {
            // The user key is a column of the row itself, so a deleted or expired login leaves
            // no stale index entry behind: there is nothing else to clean up.
            let rows =
                sqlx::query("SELECT key, record FROM login_sessions WHERE user_key = ? AND expires_at > ?")
                    .bind(user.as_bytes().as_slice())
                    .bind(now_millis())
                    .fetch_all(&self.pool)
                    .await
                    .map_err(unavailable("listing a user's logins"))?;
            rows.iter()
                .map(|row| {
                    let key: Vec<u8> = row.try_get("key").map_err(unavailable("reading a login"))?;
                    let record = row.try_get("record").map_err(unavailable("reading a login"))?;
                    Ok((record_key(&key)?, record))
                })
                .collect()
        })
    }
}

#[cfg(test)]
mod tests {
    use login_runtime::store::StoreErrorKind;

    use super::*;
    use crate::db::Db;

    const HOUR: Duration = Duration::from_secs(3600);

    fn key(n: u8) -> RecordKey {
        RecordKey::from_bytes([n; 32])
    }

    fn user(n: u8) -> UserKey {
        UserKey::from_bytes([n; 32])
    }

    /// A store on a new in-memory database, migrated as the app migrates its own.
    async fn store() -> SqliteSessionStore {
        let db = Db::connect("sqlite::memory:").await.expect("the database opens");
        SqliteSessionStore::new(db.pool().clone())
    }

    /// Saves, or fails the test.
    async fn put(store: &SqliteSessionStore, key: RecordKey, user: UserKey, record: &[u8], ttl: Duration) {
        store.save(&key, &user, record, ttl).await.expect("save");
    }

    /// How many rows the table holds, expired ones included.
    async fn rows(store: &SqliteSessionStore) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM login_sessions")
            .fetch_one(&store.pool)
            .await
            .expect("count")
    }

    /// The keys `list` returns for `user`, sorted.
    async fn listed(store: &SqliteSessionStore, user: &UserKey) -> Vec<(RecordKey, Vec<u8>)> {
        let mut found = store.list(user).await.expect("list");
        found.sort();
        found
    }

    #[actix_web::test]
    async fn save_load_replace_and_delete() {
        let store = store().await;
        assert_eq!(store.load(&key(1)).await.expect("load"), None);
        put(&store, key(1), user(1), b"first", HOUR).await;
        assert_eq!(
            store.load(&key(1)).await.expect("load").as_deref(),
            Some(&b"first"[..])
        );

        // A save under the same key replaces the record (and its user) in place.
        put(&store, key(1), user(1), b"second", HOUR).await;
        assert_eq!(
            store.load(&key(1)).await.expect("load").as_deref(),
            Some(&b"second"[..])
        );
        assert_eq!(rows(&store).await, 1);

        store.delete(&key(1)).await.expect("delete");
        assert_eq!(store.load(&key(1)).await.expect("load"), None);
        // Deleting what is not there is not an error.
        store.delete(&key(1)).await.expect("delete again");
        store.delete(&key(9)).await.expect("delete a key never saved");
        assert_eq!(rows(&store).await, 0);
    }

    #[actix_web::test]
    async fn list_returns_the_live_records_of_one_user_only() {
        let store = store().await;
        put(&store, key(1), user(1), b"ann on a laptop", HOUR).await;
        put(&store, key(2), user(1), b"ann on a phone", HOUR).await;
        put(&store, key(3), user(2), b"bob", HOUR).await;
        assert_eq!(
            listed(&store, &user(1)).await,
            vec![
                (key(1), b"ann on a laptop".to_vec()),
                (key(2), b"ann on a phone".to_vec())
            ]
        );
        assert_eq!(listed(&store, &user(2)).await, vec![(key(3), b"bob".to_vec())]);
        assert!(listed(&store, &user(3)).await.is_empty());

        store.delete(&key(1)).await.expect("delete");
        assert_eq!(
            listed(&store, &user(1)).await,
            vec![(key(2), b"ann on a phone".to_vec())]
        );
        // A key saved again for another user moves to that user's list.
        put(&store, key(2), user(2), b"now bob's", HOUR).await;
        assert!(listed(&store, &user(1)).await.is_empty());
        assert_eq!(listed(&store, &user(2)).await.len(), 2);
    }

    #[actix_web::test]
    async fn expired_records_are_never_returned_and_are_swept_by_later_saves() {
        let store = store().await;
        put(&store, key(1), user(1), b"gone at once", Duration::ZERO).await;
        assert_eq!(store.load(&key(1)).await.expect("load"), None);
        put(&store, key(2), user(1), b"short", Duration::from_millis(150)).await;
        put(&store, key(3), user(1), b"long", HOUR).await;
        assert_eq!(
            store.load(&key(2)).await.expect("load").as_deref(),
            Some(&b"short"[..])
        );
        assert_eq!(listed(&store, &user(1)).await.len(), 2);

        actix_web::rt::time::sleep(Duration::from_millis(250)).await;
        assert_eq!(store.load(&key(2)).await.expect("load"), None);
        assert_eq!(listed(&store, &user(1)).await, vec![(key(3), b"long".to_vec())]);
        // Reads do not delete; the next save does.
        assert_eq!(rows(&store).await, 2);
        put(&store, key(4), user(2), b"someone else", HOUR).await;
        assert_eq!(rows(&store).await, 2, "key 2 swept, key 4 added");

        // A save that extends a record keeps it alive past its first deadline.
        put(&store, key(5), user(1), b"renewed", Duration::from_millis(150)).await;
        put(&store, key(5), user(1), b"renewed", HOUR).await;
        actix_web::rt::time::sleep(Duration::from_millis(250)).await;
        assert!(store.load(&key(5)).await.expect("load").is_some());
    }

    #[actix_web::test]
    async fn the_sweep_is_bounded_per_save() {
        let store = store().await;
        for n in 0..150_i64 {
            sqlx::query(
                "INSERT INTO login_sessions (key, user_key, record, expires_at) VALUES (?, ?, x'00', ?)",
            )
            .bind(n.to_be_bytes().repeat(4))
            .bind(user(1).as_bytes().as_slice())
            .bind(n)
            .execute(&store.pool)
            .await
            .expect("insert an expired row");
        }
        assert!(listed(&store, &user(1)).await.is_empty());
        put(&store, key(1), user(1), b"live", HOUR).await;
        assert_eq!(
            rows(&store).await,
            51,
            "100 expired rows deleted, 50 left, 1 added"
        );
        put(&store, key(1), user(1), b"live", HOUR).await;
        assert_eq!(rows(&store).await, 1);
    }

    #[actix_web::test]
    async fn a_database_failure_is_an_error_never_an_empty_answer() {
        let store = store().await;
        put(&store, key(1), user(1), b"ann", HOUR).await;
        store.pool.close().await;
        let err = store.load(&key(1)).await.expect_err("load fails");
        assert_eq!(err.kind(), StoreErrorKind::Unavailable);
        assert!(err.to_string().contains("loading a login"), "{err}");
        let err = store.list(&user(1)).await.expect_err("list fails");
        assert_eq!(err.kind(), StoreErrorKind::Unavailable);
        let err = store
            .save(&key(2), &user(1), b"x", HOUR)
            .await
            .expect_err("save fails");
        assert_eq!(err.kind(), StoreErrorKind::Unavailable);
        let err = store.delete(&key(1)).await.expect_err("delete fails");
        assert_eq!(err.kind(), StoreErrorKind::Unavailable);
    }

    #[actix_web::test]
    async fn a_corrupt_key_is_reported_as_such() {
        let store = store().await;
        sqlx::query(
            "INSERT INTO login_sessions (key, user_key, record, expires_at) VALUES (x'0102', ?, x'00', ?)",
        )
        .bind(user(1).as_bytes().as_slice())
        .bind(i64::MAX)
        .execute(&store.pool)
        .await
        .expect("insert");
        let err = store
            .list(&user(1))
            .await
            .expect_err("a 2-byte key is not a record key");
        assert_eq!(err.kind(), StoreErrorKind::Corrupt);
    }

    #[actix_web::test]
    async fn logins_survive_a_restart_with_a_database_file() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let url = format!("sqlite://{}", dir.path().join("app.db").display());
        let db = Db::connect(&url).await.expect("the database opens");
        SqliteSessionStore::new(db.pool().clone())
            .save(&key(1), &user(1), b"ann", HOUR)
            .await
            .expect("save");
        db.pool().close().await;

        let db = Db::connect(&url).await.expect("the database opens again");
        let store = SqliteSessionStore::new(db.pool().clone());
        assert_eq!(
            store.load(&key(1)).await.expect("load").as_deref(),
            Some(&b"ann"[..])
        );
        assert_eq!(listed(&store, &user(1)).await.len(), 1);
    }

    #[test]
    fn deadlines_saturate_instead_of_overflowing() {
        assert_eq!(deadline(1_000, Duration::from_millis(500)), 1_500);
        assert_eq!(deadline(1_000, Duration::MAX), i64::MAX);
        assert_eq!(deadline(i64::MAX - 1, HOUR), i64::MAX);
    }
}
