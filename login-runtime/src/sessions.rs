//! A user's live logins, for an account page ("Active sessions") and for administrators: list
//! them, revoke one, revoke all but the current one, log a user out everywhere. Needs a
//! server-side store; the stateless cookie keeps nothing on the server to list or revoke.
//!
//! A login is named by a [`SessionHandle`]: a random value stored in its record, never a
//! cookie value or a store key, so a handle shown on a page gives no way in.

use std::fmt;
use std::str::FromStr;

use crate::clock::now_secs;
use crate::config::Config;
use crate::error::StoreError;
use crate::middleware::LoginManager;
use crate::store::RecordKey;
use crate::store::keys::{hex, unhex};
use crate::store::record::{LoginRecord, Secret};
use crate::store::server::ServerStore;
use crate::user::UserMixin;

/// The opaque name of one login in a session list. Written and read as 32 hex digits.
///
/// ```
/// use login_runtime::SessionHandle;
///
/// assert!("not a handle".parse::<SessionHandle>().is_err());
/// let handle: SessionHandle = "00112233445566778899aabbccddeeff".parse().unwrap();
/// assert_eq!(handle.to_string(), "00112233445566778899aabbccddeeff");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct SessionHandle(Secret);

impl fmt::Display for SessionHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex(&self.0))
    }
}

impl fmt::Debug for SessionHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SessionHandle({self})")
    }
}

/// The text is not a session handle (32 hex digits).
///
/// ```
/// let err = "x".parse::<login_runtime::SessionHandle>().unwrap_err();
/// assert!(err.to_string().contains("32 hex digits"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvalidSessionHandle;

impl fmt::Display for InvalidSessionHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a session handle: a handle is the 32 hex digits of an `id` from the session list")
    }
}

impl std::error::Error for InvalidSessionHandle {}

impl FromStr for SessionHandle {
    type Err = InvalidSessionHandle;

    fn from_str(text: &str) -> Result<Self, InvalidSessionHandle> {
        unhex(text).map(SessionHandle).ok_or(InvalidSessionHandle)
    }
}

/// One live login of a user, as a session list shows it.
///
/// ```
/// use login_runtime::LiveSession;
///
/// fn describe(s: &LiveSession) -> String {
///     let kind = if s.remembered { "remembered" } else { "this browser session" };
///     format!("{} ({kind}), last seen at {}", s.user_agent, s.last_seen)
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct LiveSession {
    /// Names this login for [`LoginSession::revoke_session`](crate::LoginSession::revoke_session).
    pub handle: SessionHandle,
    /// Unix seconds when the login was made (with the password, not a restore).
    pub created_at: u64,
    /// Unix seconds of its last recorded use (recorded at most every tenth of its idle
    /// lifetime, so it may lag by that much).
    pub last_seen: u64,
    /// The `User-Agent` it logged in with (at most 256 bytes).
    pub user_agent: String,
    /// Whether it has a valid remember token (it outlives the browser session).
    pub remembered: bool,
    /// Whether it is the login of the request that asked.
    pub current: bool,
}

impl LiveSession {
    fn of(key: &RecordKey, record: &LoginRecord, current: Option<&RecordKey>, now: u64) -> Self {
        LiveSession {
            handle: SessionHandle(record.handle),
            created_at: record.created_at,
            last_seen: record.state.last_seen,
            user_agent: record.user_agent.clone(),
            remembered: record.remember.as_ref().is_some_and(|r| r.expires_at > now),
            current: current == Some(key),
        }
    }
}

/// The server-side store, or the "needs a server-side store" error.
pub(crate) fn server_of<U: UserMixin>(config: &Config<U>) -> Result<&ServerStore, StoreError> {
    config
        .server
        .as_ref()
        .ok_or_else(|| StoreError::unsupported("listing and revoking sessions"))
}

/// The live logins of `user_id`, newest first.
pub(crate) async fn list(
    server: &ServerStore,
    user_id: &str,
    current: Option<&RecordKey>,
) -> Result<Vec<LiveSession>, StoreError> {
    let now = now_secs();
    let mut found: Vec<LiveSession> = server
        .list(user_id, now)
        .await?
        .iter()
        .map(|(key, record)| LiveSession::of(key, record, current, now))
        .collect();
    found.sort_by(|a, b| {
        b.created_at
            .cmp(&a.created_at)
            .then(b.last_seen.cmp(&a.last_seen))
    });
    Ok(found)
}

/// Ends the login of `user_id` named `handle`; its key, or `None` when it is not one of them.
pub(crate) async fn revoke(
    server: &ServerStore,
    user_id: &str,
    handle: &SessionHandle,
) -> Result<Option<RecordKey>, StoreError> {
    let found = server.list(user_id, now_secs()).await?;
    let Some((key, _)) = found.iter().find(|(_, r)| r.handle == handle.0) else {
        return Ok(None);
    };
    server.delete(key).await?;
    Ok(Some(*key))
}

/// Ends every login of `user_id` but `keep`; how many.
pub(crate) async fn revoke_all(
    server: &ServerStore,
    user_id: &str,
    keep: Option<&RecordKey>,
) -> Result<usize, StoreError> {
    let found = server.list(user_id, now_secs()).await?;
    let mut ended = 0;
    for (key, _) in found.iter().filter(|(key, _)| Some(key) != keep) {
        server.delete(key).await?;
        ended += 1;
    }
    Ok(ended)
}

/// Administration of logins, outside any user's request.
impl<U: UserMixin> LoginManager<U> {
    /// Every live login of the user with this id (for an admin page).
    ///
    /// ```
    /// # use login_runtime::{LoginManager, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { None }
    /// use login_runtime::store::MemoryStore;
    ///
    /// # actix_web::rt::System::new().block_on(async {
    /// let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
    ///     .session_store(MemoryStore::new())
    ///     .build()?;
    /// assert!(manager.live_sessions_of(&"ann".to_owned()).await?.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn live_sessions_of(&self, user_id: &U::Id) -> Result<Vec<LiveSession>, StoreError> {
        list(server_of(&self.config)?, &user_id.to_string(), None).await
    }

    /// Ends one login of the user with this id; `false` when the handle is not one of theirs.
    ///
    /// ```
    /// # use login_runtime::{LoginManager, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { None }
    /// use login_runtime::SessionHandle;
    /// use login_runtime::store::MemoryStore;
    ///
    /// # actix_web::rt::System::new().block_on(async {
    /// let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
    ///     .session_store(MemoryStore::new())
    ///     .build()?;
    /// let handle: SessionHandle = "00000000000000000000000000000000".parse()?;
    /// assert!(!manager.revoke_session_of(&"ann".to_owned(), &handle).await?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn revoke_session_of(
        &self,
        user_id: &U::Id,
        handle: &SessionHandle,
    ) -> Result<bool, StoreError> {
        Ok(revoke(server_of(&self.config)?, &user_id.to_string(), handle)
            .await?
            .is_some())
    }

    /// Logs the user with this id out everywhere: every session and remember token of theirs
    /// stops working on its next request. Returns how many logins were ended.
    ///
    /// ```
    /// # use login_runtime::{LoginManager, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { None }
    /// use login_runtime::store::MemoryStore;
    ///
    /// # actix_web::rt::System::new().block_on(async {
    /// let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
    ///     .session_store(MemoryStore::new())
    ///     .build()?;
    /// // After an account is suspended:
    /// assert_eq!(manager.log_out_everywhere(&"ann".to_owned()).await?, 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn log_out_everywhere(&self, user_id: &U::Id) -> Result<usize, StoreError> {
        revoke_all(server_of(&self.config)?, &user_id.to_string(), None).await
    }
}
