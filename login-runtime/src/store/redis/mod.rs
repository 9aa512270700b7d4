//! [`RedisStore`]: the server-side session store on Redis (feature `redis`). Its docs give the
//! data layout, the failure behaviour and why it uses redis-rs.

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use ::redis::Client;
use ::redis::aio::ConnectionManager;

mod connection;

use connection::{Outage, Request, redact_url};

use crate::error::{ConfigError, StoreError};
use crate::store::{RecordKey, SessionStore, StoreFuture, UserKey};

/// The key prefix unless [`RedisStore::prefix`] sets another.
const DEFAULT_PREFIX: &str = "login:";
/// How long one connection attempt (TCP connect and handshake) may take, by default.
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_millis(500);
/// How long Redis may take to answer one command, by default.
const DEFAULT_RESPONSE_TIMEOUT: Duration = Duration::from_millis(500);
/// The most records one `list` returns.
const MAX_LIST: usize = 1000;
/// Keys per `MGET` in `list` (the `MGET`s of one list go in one round trip).
const MGET_CHUNK: usize = 500;
/// After a failed connection, calls fail at once for this long before one tries again; the
/// pause doubles with each failure in a row, up to [`MAX_PAUSE`].
const FIRST_PAUSE: Duration = Duration::from_millis(100);
/// The longest pause between connection attempts while Redis stays unreachable.
const MAX_PAUSE: Duration = Duration::from_secs(1);
/// The longest TTL sent to Redis (about 36,000 years): larger ones overflow its clock.
const MAX_TTL_MS: u64 = 1 << 50;

/// Removes, atomically, the index members (ARGV) whose record (KEYS[2..]) is still absent, so a
/// record saved again since `list` read it keeps its index entry.
/// Deletes a record and its entry in its user's index, in one round trip: the record's value
/// starts with the user key (32 bytes), which names the index. `KEYS[1]` is the record,
/// `ARGV[1]` the index keys' prefix, `ARGV[2]` the record's hex key (its index member).
const DELETE_RECORD: &str = r"
local value = redis.call('GET', KEYS[1])
if not value then
  return 0
end
redis.call('DEL', KEYS[1])
if string.len(value) >= 32 then
  local user = string.sub(value, 1, 32):gsub('.', function(c) return string.format('%02x', string.byte(c)) end)
  redis.call('SREM', ARGV[1] .. user, ARGV[2])
end
return 1
";

/// The length of the user key that starts every stored value.
const USER_KEY_LEN: usize = 32;

const CLEAN_INDEX: &str = r"
local removed = 0
for i = 1, #ARGV do
  if redis.call('EXISTS', KEYS[i + 1]) == 0 then
    removed = removed + redis.call('SREM', KEYS[1], ARGV[i])
  end
end
return removed
";

/// A [`SessionStore`] on Redis: for applications that run several processes, or want logins to
/// outlive a restart. One Redis server (or a primary behind one address, as managed Redis
/// services with failover give); not Redis Cluster.
///
/// ```no_run
/// use std::time::Duration;
/// use login_runtime::store::{RecordKey, RedisStore, SessionStore, UserKey};
///
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// let store = RedisStore::new("redis://127.0.0.1:6379/0")?.prefix("myapp:login:");
///
/// let (key, user) = (RecordKey::from_bytes([1; 32]), UserKey::from_bytes([2; 32]));
/// store.save(&key, &user, b"record", Duration::from_secs(3600)).await?;
/// assert_eq!(store.load(&key).await?, Some(b"record".to_vec()));
/// assert_eq!(store.list(&user).await?.len(), 1);
/// store.delete(&key).await?;
/// # Ok(())
/// # }
/// ```
///
/// The application hands it to the login manager, which then makes every call:
///
/// ```
/// # use login_runtime::{LoginManager, UserMixin, user_loader};
/// # #[derive(Clone, UserMixin)] struct User { id: String }
/// # #[user_loader] async fn load(id: String) -> Option<User> { None }
/// use login_runtime::store::RedisStore;
///
/// let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
///     .session_store(RedisStore::new("redis://127.0.0.1:6379/0")?)
///     .build()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Data layout
///
/// With the default prefix `login:` (see [`prefix`](Self::prefix)):
///
/// | key | type | holds |
/// | --- | --- | --- |
/// | `login:s:<hex record key>` | string, with a TTL (`SET .. PX`) | the user key (32 bytes), then the record byte for byte |
/// | `login:u:<hex user key>` | set, with a TTL | the hex record keys of the user's logins |
///
/// Redis reclaims expired records by itself. A user's index lives as long as the longest-lived
/// of its records (every `save` extends its TTL, never shortens it), so it never expires before
/// a live record and goes away after the last one.
///
/// - `load` is one `GET`;
/// - `save` is one `MULTI`/`EXEC` round trip (`SET .. PX`, `SADD`, `PEXPIRE .. GT`,
///   `PEXPIRE .. NX`), so a record and its index entry appear together;
/// - `delete` is one small Lua call that deletes the record and its index entry (the user key
///   at the start of the value names the index), so a logout leaves no key behind;
/// - `list` is `SMEMBERS` then `MGET` (two round trips), plus one small Lua call that removes
///   the index entries whose record is gone, only when there are some; it returns at most
///   1,000 records.
///
/// # When Redis fails
///
/// Redis need not be running when the store is built: [`new`](Self::new) only reads the URL,
/// and the store connects on its first call (inside the Tokio runtime actix-web runs). Every
/// failure is an `Err`, never a panic or an empty answer:
///
/// - while Redis is unreachable, calls fail quickly with [`StoreError::unavailable`] (the
///   runtime answers 503, never "logged out"); connection attempts are spaced out, 100 ms after
///   a failure, doubling up to 1 s, and calls in between fail at once;
/// - once Redis answers again, the same store works again by itself; a restart between two
///   calls costs no failed call (the store reconnects and sends again);
/// - a connection attempt gives up after 500 ms and a command after 500 ms, below the runtime's
///   store timeout (see [`connect_timeout`](Self::connect_timeout) and
///   [`response_timeout`](Self::response_timeout)); a slow answer does not drop the connection;
/// - data under the store's keys that it cannot have written (another type) is
///   [`StoreError::corrupt`];
/// - messages name the server's address, never its password.
///
/// # Why redis-rs
///
/// The store talks to Redis through the [`redis`](https://docs.rs/redis) crate (redis-rs) and
/// its Tokio `ConnectionManager`:
///
/// - redis-rs is the well-kept, widely used Redis client of the Rust ecosystem (regular
///   releases; Redis 6, 7 and Valkey; RESP2 and RESP3);
/// - it is the client actix-session's own `RedisSessionStore` uses, so an actix-web
///   application that already keeps sessions in Redis adds no second client;
/// - its `ConnectionManager` is one multiplexed connection shared by every worker that
///   reconnects by itself after an error: no pool, no reconnect loop of the store's own.
pub struct RedisStore {
    client: Client,
    /// Where the store connects, for messages: `host:port` or a socket path, never a password.
    address: String,
    db: i64,
    /// The password of the URL, if any: scrubbed from every message.
    password: Option<String>,
    prefix: String,
    connect_timeout: Duration,
    response_timeout: Duration,
    /// Made on the first call, inside the runtime (the manager spawns a task when made), and
    /// made anew after a failure it does not recover from by itself (see `query`).
    manager: RwLock<Option<Arc<ConnectionManager>>>,
    /// Set while `outage` holds a connection failure (so a healthy call takes no mutex).
    failing: AtomicBool,
    outage: Mutex<Option<Outage>>,
}

impl RedisStore {
    /// A store on the Redis server at `url`: `redis://host:port/db` (the port defaults to 6379,
    /// the database to 0), `redis://:password@host:port/db` or `redis://user:password@...`
    /// for a server with a password, `redis+unix:///path/to/redis.sock` for a Unix socket.
    ///
    /// Only reads the URL: it does not connect, so it succeeds while Redis is down (the first
    /// calls then fail with [`StoreError::unavailable`] until Redis answers). It fails on a URL
    /// that is not a Redis URL, with a message that names the URL without its password.
    ///
    /// ```
    /// use login_runtime::store::RedisStore;
    ///
    /// // Nothing listens here: building the store still succeeds.
    /// let store = RedisStore::new("redis://127.0.0.1:1/2")?;
    /// assert!(format!("{store:?}").contains("127.0.0.1:1"));
    ///
    /// let err = RedisStore::new("http://user:hunter2@example.com").unwrap_err();
    /// assert!(err.to_string().contains("redis://"));
    /// assert!(!err.to_string().contains("hunter2"));
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// ```
    pub fn new(url: &str) -> Result<RedisStore, ConfigError> {
        let invalid = |why: &dyn fmt::Display| {
            ConfigError::new(format!(
                "the Redis URL `{}` is not valid ({why}): give `redis://host:port/db`, e.g. `redis://127.0.0.1:6379/0` (`redis://:password@host:port/db` with a password)",
                redact_url(url)
            ))
        };
        let client = Client::open(url).map_err(|e| invalid(&e))?;
        let info = client.get_connection_info();
        if !info.addr().is_supported() {
            return Err(invalid(
                &"this build of the `redis` crate cannot connect to it: `rediss://` needs one of its TLS features",
            ));
        }
        let address = info.addr().to_string();
        let db = info.redis_settings().db();
        let password = info.redis_settings().password().map(str::to_owned);
        Ok(RedisStore {
            client,
            address,
            db,
            password,
            prefix: DEFAULT_PREFIX.to_owned(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            response_timeout: DEFAULT_RESPONSE_TIMEOUT,
            manager: RwLock::new(None),
            failing: AtomicBool::new(false),
            outage: Mutex::new(None),
        })
    }

    /// The server's address as the URL names it (`host:port`, or a socket path), never with
    /// the password: for start-up checks and messages.
    ///
    /// ```
    /// use login_runtime::store::RedisStore;
    ///
    /// let store = RedisStore::new("redis://:secret@127.0.0.1:6390/2")?;
    /// assert_eq!(store.address(), "127.0.0.1:6390");
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// ```
    pub fn address(&self) -> &str {
        &self.address
    }

    /// Puts every key this store writes under `prefix` instead of `login:`: to share one Redis
    /// database between applications, or to keep two login managers apart.
    ///
    /// ```
    /// use login_runtime::store::RedisStore;
    ///
    /// let store = RedisStore::new("redis://127.0.0.1:6379")?.prefix("shop:login:");
    /// assert!(format!("{store:?}").contains("shop:login:"));
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// ```
    #[must_use]
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// How long one connection attempt may take before it counts as failed (500 ms unless
    /// set). Keep it below the runtime's store timeout (800 ms unless set), so a call on an
    /// unreachable server ends with the store's own message.
    ///
    /// ```
    /// use std::time::Duration;
    /// use login_runtime::store::RedisStore;
    ///
    /// let store = RedisStore::new("redis://redis.internal:6379")?.connect_timeout(Duration::from_millis(300));
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// ```
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long Redis may take to answer one command before the call fails (500 ms unless
    /// set). A slow answer does not drop the connection: later calls go on using it.
    ///
    /// ```
    /// use std::time::Duration;
    /// use login_runtime::store::RedisStore;
    ///
    /// let store = RedisStore::new("redis://127.0.0.1:6379")?.response_timeout(Duration::from_millis(250));
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// ```
    #[must_use]
    pub fn response_timeout(mut self, timeout: Duration) -> Self {
        self.response_timeout = timeout;
        self
    }

    fn record_key(&self, key: &RecordKey) -> String {
        format!("{}s:{}", self.prefix, key.to_hex())
    }

    /// The record key for an index member as stored (bytes, in case the set holds foreign data).
    fn record_key_of_member(&self, member: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.prefix.len() + 2 + member.len());
        out.extend_from_slice(self.prefix.as_bytes());
        out.extend_from_slice(b"s:");
        out.extend_from_slice(member);
        out
    }

    fn index_key(&self, user: &UserKey) -> String {
        format!("{}u:{}", self.prefix, user.to_hex())
    }

    async fn load_record(&self, key: &RecordKey) -> Result<Option<Vec<u8>>, StoreError> {
        let mut cmd = ::redis::cmd("GET");
        cmd.arg(self.record_key(key));
        let value: Option<Vec<u8>> = self.query(Request::Cmd(&cmd)).await?;
        value.map(|v| self.strip_user_key(v)).transpose()
    }

    /// The record in a stored value (after its user key).
    fn strip_user_key(&self, mut value: Vec<u8>) -> Result<Vec<u8>, StoreError> {
        if value.len() < USER_KEY_LEN {
            return Err(StoreError::corrupt(format!(
                "Redis at {}: a value under our prefix is {} bytes, shorter than a record",
                self.address,
                value.len()
            )));
        }
        value.drain(..USER_KEY_LEN);
        Ok(value)
    }

    async fn save_record(
        &self,
        key: &RecordKey,
        user: &UserKey,
        record: &[u8],
        ttl: Duration,
    ) -> Result<(), StoreError> {
        let ttl_ms = u64::try_from(ttl.as_millis())
            .unwrap_or(u64::MAX)
            .clamp(1, MAX_TTL_MS);
        let index = self.index_key(user);
        let mut value = Vec::with_capacity(USER_KEY_LEN + record.len());
        value.extend_from_slice(user.as_bytes());
        value.extend_from_slice(record);
        let mut pipe = ::redis::pipe();
        pipe.atomic()
            .cmd("SET")
            .arg(self.record_key(key))
            .arg(value)
            .arg("PX")
            .arg(ttl_ms)
            .ignore()
            .cmd("SADD")
            .arg(&index)
            .arg(key.to_hex())
            .ignore()
            // The index lives as long as its longest-lived record: GT extends a shorter TTL,
            // NX sets one on an index that has none (just made by SADD).
            .cmd("PEXPIRE")
            .arg(&index)
            .arg(ttl_ms)
            .arg("GT")
            .ignore()
            .cmd("PEXPIRE")
            .arg(&index)
            .arg(ttl_ms)
            .arg("NX")
            .ignore();
        self.query(Request::Pipe(&pipe)).await
    }

    async fn delete_record(&self, key: &RecordKey) -> Result<(), StoreError> {
        let mut cmd = ::redis::cmd("EVAL");
        cmd.arg(DELETE_RECORD)
            .arg(1)
            .arg(self.record_key(key))
            .arg(format!("{}u:", self.prefix))
            .arg(key.to_hex());
        self.query::<i64>(Request::Cmd(&cmd)).await.map(|_| ())
    }

    async fn list_records(&self, user: &UserKey) -> Result<Vec<(RecordKey, Vec<u8>)>, StoreError> {
        let index = self.index_key(user);
        let mut members = ::redis::cmd("SMEMBERS");
        members.arg(&index);
        let members: Vec<Vec<u8>> = self.query(Request::Cmd(&members)).await?;
        if members.is_empty() {
            return Ok(Vec::new());
        }
        let keys: Vec<Vec<u8>> = members.iter().map(|m| self.record_key_of_member(m)).collect();
        let mut pipe = ::redis::pipe();
        for chunk in keys.chunks(MGET_CHUNK) {
            pipe.cmd("MGET").arg(chunk);
        }
        let chunks: Vec<Vec<Option<Vec<u8>>>> = self.query(Request::Pipe(&pipe)).await?;
        let values: Vec<Option<Vec<u8>>> = chunks.into_iter().flatten().collect();
        if values.len() != members.len() {
            return Err(StoreError::corrupt(format!(
                "Redis at {}: MGET of {} keys answered {} values",
                self.address,
                members.len(),
                values.len()
            )));
        }
        let mut live = Vec::new();
        let mut stale = Vec::new();
        for ((member, record_key), value) in members.iter().zip(&keys).zip(values) {
            match value {
                None => stale.push((member, record_key)),
                Some(value) => {
                    // A member that is not a record key is not ours to return (nor to remove).
                    if let Some(key) = std::str::from_utf8(member).ok().and_then(RecordKey::from_hex) {
                        live.push((key, self.strip_user_key(value)?));
                    }
                }
            }
        }
        if !stale.is_empty() {
            self.clean_index(&index, &stale).await;
        }
        if live.len() > MAX_LIST {
            tracing::warn!(
                target: "login_runtime",
                user = %user,
                logins = live.len(),
                "a user has more than {MAX_LIST} live logins in Redis; listing the first {MAX_LIST}"
            );
            live.sort_unstable_by_key(|(key, _)| *key);
            live.truncate(MAX_LIST);
        }
        Ok(live)
    }

    /// Drops the `stale` members (whose record was absent) from `index`, unless their record
    /// came back meanwhile. A failure only leaves them for the next `list`.
    async fn clean_index(&self, index: &str, stale: &[(&Vec<u8>, &Vec<u8>)]) {
        for chunk in stale.chunks(MGET_CHUNK) {
            let mut cmd = ::redis::cmd("EVAL");
            cmd.arg(CLEAN_INDEX).arg(chunk.len() + 1).arg(index);
            for (_, record_key) in chunk {
                cmd.arg(record_key.as_slice());
            }
            for (member, _) in chunk {
                cmd.arg(member.as_slice());
            }
            if let Err(err) = self.query::<i64>(Request::Cmd(&cmd)).await {
                tracing::warn!(target: "login_runtime", error = %err, "stale entries of a user's login index could not be removed; the next listing retries");
                return;
            }
        }
    }
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStore")
            .field("address", &self.address)
            .field("db", &self.db)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("prefix", &self.prefix)
            .field("connect_timeout", &self.connect_timeout)
            .field("response_timeout", &self.response_timeout)
            .field("failing", &self.failing.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl SessionStore for RedisStore {
    fn load<'a>(&'a self, key: &'a RecordKey) -> StoreFuture<'a, Option<Vec<u8>>> {
        Box::pin(self.load_record(key))
    }

    fn save<'a>(
        &'a self,
        key: &'a RecordKey,
        user: &'a UserKey,
        record: &'a [u8],
        ttl: Duration,
    ) -> StoreFuture<'a, ()> {
        Box::pin(self.save_record(key, user, record, ttl))
    }

    fn delete<'a>(&'a self, key: &'a RecordKey) -> StoreFuture<'a, ()> {
        Box::pin(self.delete_record(key))
    }

    fn list<'a>(&'a self, user: &'a UserKey) -> StoreFuture<'a, Vec<(RecordKey, Vec<u8>)>> {
        Box::pin(self.list_records(user))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_redacted_in_messages() {
        assert_eq!(redact_url("redis://:hunter2@h:1/0"), "redis://***@h:1/0");
        assert_eq!(redact_url("redis://u:p@ss@h/0"), "redis://***@h/0");
        assert_eq!(redact_url("u:hunter2@h"), "***@h");
        assert_eq!(redact_url("redis://h:1/0?x=a@b"), "redis://h:1/0?x=a@b");
        let err = RedisStore::new("redis://:hunter2@").unwrap_err();
        assert!(!err.to_string().contains("hunter2"), "{err}");
    }

    #[test]
    fn debug_hides_the_password() {
        let store = RedisStore::new("redis://:hunter2@127.0.0.1:6390/3").unwrap();
        let text = format!("{store:?}");
        assert!(!text.contains("hunter2"), "{text}");
        assert!(
            text.contains("127.0.0.1:6390") && text.contains("db: 3"),
            "{text}"
        );
    }

    #[test]
    fn bad_urls_fail_at_start_up() {
        for url in [
            "",
            "localhost:6379",
            "http://127.0.0.1",
            "redis://127.0.0.1:notaport",
            "redis://h/x",
        ] {
            assert!(RedisStore::new(url).is_err(), "{url}");
        }
        for url in [
            "redis://127.0.0.1",
            "redis://localhost:6380/15",
            "redis+unix:///tmp/r.sock",
        ] {
            assert!(RedisStore::new(url).is_ok(), "{url}");
        }
    }

    #[test]
    fn calls_outside_a_runtime_fail_without_panicking() {
        let store = RedisStore::new("redis://127.0.0.1:1").unwrap();
        let key = RecordKey::from_bytes([0; 32]);
        let waker = std::task::Waker::noop();
        let mut cx = std::task::Context::from_waker(waker);
        let mut call = store.load(&key);
        match call.as_mut().poll(&mut cx) {
            std::task::Poll::Ready(Err(err)) => assert!(err.to_string().contains("Tokio runtime"), "{err}"),
            other => panic!("expected an error, got {:?}", other.map(|r| r.map(|_| ()))),
        }
    }
}
