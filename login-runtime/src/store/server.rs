//! The runtime's side of a server-side store: the signed ids in the cookies, the record's
//! expiry, the store timeout around every call.
//!
//! Both cookies of a server-side login hold `version | login id | secret`, signed with a key
//! of their own purpose: the session cookie's secret changes on every login, restore and
//! `confirm_login` (a new session id each time, against session fixation); the remember
//! cookie's secret is the validator of the Devise / "persistent login cookie" pattern, with
//! the login id as its selector. The store keys the record on a digest of the login id and
//! keeps only digests of the secrets, so a dump of the store yields no usable cookie, and a
//! bad signature is refused before any store call.

use std::sync::Arc;
use std::time::Duration;

use crate::config::settings::Settings;
use crate::crypto::envelope::Envelope;
use crate::crypto::keys::KeyMatch;
use crate::crypto::wire::{Reader, Writer};
use crate::error::StoreError;
use crate::store::record::{LoginRecord, Secret};
use crate::store::{RecordKey, SessionStore, StoreFuture, UserKey};
use crate::user::UserMixin;

/// Format version of the signed ids.
const ID_VERSION: u8 = 1;

/// What a server-side cookie names: a login, and a secret of that login (the session secret
/// or the remember validator).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct LoginRef {
    pub(crate) login_id: Secret,
    pub(crate) secret: Secret,
}

impl LoginRef {
    /// A new login id with a new secret.
    pub(crate) fn generate() -> Result<Self, StoreError> {
        Ok(LoginRef {
            login_id: random_secret()?,
            secret: random_secret()?,
        })
    }

    /// The cookie value, sealed with `keys`' primary key.
    pub(crate) fn seal(&self, keys: &Envelope) -> String {
        let mut w = Writer::with_capacity(33);
        w.u8(ID_VERSION).fixed(&self.login_id).fixed(&self.secret);
        keys.seal(&w.finish())
    }

    /// The reference in a cookie value and the key that opened it, if `keys` sealed it.
    pub(crate) fn open(keys: &Envelope, value: &str) -> Option<(Self, KeyMatch)> {
        keys.open(value, |payload| {
            let mut r = Reader::new(payload);
            (r.u8()? == ID_VERSION).then_some(())?;
            let login_id = r.fixed()?;
            let secret = r.fixed()?;
            r.end()?;
            Some(LoginRef { login_id, secret })
        })
    }

    /// The store key of the login.
    pub(crate) fn key(&self) -> RecordKey {
        RecordKey::of_login(&self.login_id)
    }
}

/// 128 bits from the operating system's CSPRNG.
pub(crate) fn random_secret() -> Result<Secret, StoreError> {
    let mut out = [0; 16];
    getrandom::fill(&mut out).map_err(|e| {
        StoreError::unavailable(format!("the operating system's random generator failed: {e}"))
    })?;
    Ok(out)
}

/// A server-side store with the settings its records' lifetimes depend on.
#[derive(Clone)]
pub(crate) struct ServerStore {
    store: Arc<dyn SessionStore>,
    call_timeout: Duration,
    session_lifetime: u64,
    idle: Option<u64>,
    absolute: Option<u64>,
}

impl ServerStore {
    pub(crate) fn new<U: UserMixin>(store: Arc<dyn SessionStore>, settings: &Settings<U>) -> Self {
        ServerStore {
            store,
            call_timeout: settings.storage.call_timeout,
            session_lifetime: settings.storage.session_lifetime.as_secs().max(1),
            idle: settings.timeouts.idle.map(|t| t.as_secs()),
            absolute: settings.timeouts.absolute.map(|t| t.as_secs()),
        }
    }

    /// Runs one store call within the store timeout.
    async fn call<T>(&self, call: StoreFuture<'_, T>) -> Result<T, StoreError> {
        match actix_web::rt::time::timeout(self.call_timeout, call).await {
            Ok(result) => result,
            Err(_) => Err(StoreError::timeout(self.call_timeout)),
        }
    }

    /// The record of the login `login_id`, if it is live. A record that does not decode
    /// (written by a newer version, or damaged) counts as absent: the login ends.
    pub(crate) async fn load(&self, login_id: &Secret) -> Result<Option<LoginRecord>, StoreError> {
        let key = RecordKey::of_login(login_id);
        let Some(bytes) = self.call(self.store.load(&key)).await? else {
            return Ok(None);
        };
        let record = LoginRecord::decode(&bytes);
        if record.is_none() {
            tracing::warn!(target: "login_runtime", key = %key, "a session record could not be read; the login ends");
        }
        Ok(record)
    }

    /// Writes the record of `login_id`, to live until its deadline.
    pub(crate) async fn save(
        &self,
        login_id: &Secret,
        record: &LoginRecord,
        now: u64,
    ) -> Result<(), StoreError> {
        let key = RecordKey::of_login(login_id);
        let user = UserKey::of_user(record.user_id());
        let ttl = Duration::from_secs(self.deadline(record).saturating_sub(now).max(1));
        let bytes = record.encode();
        self.call(self.store.save(&key, &user, &bytes, ttl)).await
    }

    /// Deletes the record under `key`.
    pub(crate) async fn delete(&self, key: &RecordKey) -> Result<(), StoreError> {
        self.call(self.store.delete(key)).await
    }

    /// Every live login of `user_id`.
    pub(crate) async fn list(
        &self,
        user_id: &str,
        now: u64,
    ) -> Result<Vec<(RecordKey, LoginRecord)>, StoreError> {
        let user = UserKey::of_user(user_id);
        let found = self.call(self.store.list(&user)).await?;
        Ok(found
            .into_iter()
            .filter_map(|(key, bytes)| Some((key, LoginRecord::decode(&bytes)?)))
            .filter(|(_, record)| record.user_id() == user_id && self.deadline(record) > now)
            .collect())
    }

    /// Unix seconds after which the record is dead: the session's deadline (idle timeout from
    /// the last touch, absolute timeout from the login, otherwise the session lifetime from
    /// the last touch), or the remember deadline when it is later.
    pub(crate) fn deadline(&self, record: &LoginRecord) -> u64 {
        let state = &record.state;
        let mut session = match (self.idle, self.absolute) {
            (Some(idle), _) => state.last_seen.saturating_add(idle),
            (None, Some(_)) => u64::MAX,
            (None, None) => state.last_seen.saturating_add(self.session_lifetime),
        };
        if let Some(absolute) = self.absolute {
            session = session.min(state.logged_in_at.saturating_add(absolute));
        }
        match &record.remember {
            Some(r) => session.max(r.expires_at),
            None => session,
        }
    }

    /// How far `last_seen` may drift before a request rewrites the record: a tenth of the
    /// time an idle record lives, so a busy login costs a write only now and then.
    pub(crate) fn touch_every(&self) -> u64 {
        (self.idle.unwrap_or(self.session_lifetime) / 10).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::envelope::CookieContent;
    use crate::crypto::keys::Purpose;

    #[test]
    fn a_sealed_id_round_trips_and_other_purposes_are_refused() {
        for content in [CookieContent::Signed, CookieContent::Private] {
            let keys = Envelope::new(&[9; 32], &[], Purpose::SessionId, content);
            let other = Envelope::new(&[9; 32], &[], Purpose::RememberId, content);
            let r = LoginRef::generate().expect("random");
            assert_ne!(r.login_id, r.secret);
            let sealed = r.seal(&keys);
            assert_eq!(LoginRef::open(&keys, &sealed), Some((r, KeyMatch::Primary)));
            assert_eq!(LoginRef::open(&other, &sealed), None);
            assert_eq!(LoginRef::open(&keys, "garbage"), None);
        }
    }
}
