//! The load chain's server-side store steps: open the session from its record, record what
//! session protection and the timeouts changed, restore a login from its remember token, end
//! a login on the server. Each store call is awaited where the decision is made, so a failure
//! is answered there (503) and never turns into an anonymous request.

use actix_web::HttpRequest;
use actix_web::http::header;

use crate::clock::now_secs;
use crate::context::incoming::Incoming;
use crate::context::{LoginContext, RememberOp, ServerLogin};
use crate::error::StoreError;
use crate::loader::LoaderError;
use crate::store::RecordKey;
use crate::store::record::{LoginRecord, Secret, cut_user_agent, secret_digest};
use crate::store::server::{LoginRef, ServerStore, random_secret};
use crate::user::UserMixin;

/// What the policies' changes mean for the store.
enum Write {
    Nothing,
    Save(Secret, Box<LoginRecord>),
    Delete(RecordKey),
}

impl<U: UserMixin> LoginContext<U> {
    fn server(&self) -> Result<&ServerStore, StoreError> {
        self.config
            .server
            .as_ref()
            .ok_or_else(|| StoreError::unsupported("this operation"))
    }

    /// Loads the record the session cookie names. A record that is gone (logged out, revoked,
    /// expired) or whose session secret has changed (a newer session id was issued) makes the
    /// session anonymous, and its cookie is deleted.
    pub(super) async fn open_server_session(&self, incoming: &Incoming) -> Result<(), StoreError> {
        let Some(session) = incoming.session_ref else {
            return Ok(());
        };
        let record = self.server()?.load(&session.login_id).await?;
        if self.decided() {
            return Ok(());
        }
        let mut state = self.state.borrow_mut();
        match record {
            Some(record) if record.session_is(&session.secret) => {
                state.session = Some(record.state.clone());
                state.server = Some(Box::new(ServerLogin {
                    login_id: session.login_id,
                    record,
                    new_secret: None,
                }));
            }
            _ => {
                state.session = None;
                state.session_dirty = true;
            }
        }
        Ok(())
    }

    /// Writes what session protection and the timeouts changed: a re-bound or touched login
    /// is saved; an ended one is deleted, unless its own remember cookie is about to restore
    /// it (then the restore writes it once).
    pub(super) async fn record_policy_changes(&self, incoming: &Incoming) -> Result<(), StoreError> {
        let write = {
            let mut guard = self.state.borrow_mut();
            let state = &mut *guard;
            let restorable = !matches!(state.remember, RememberOp::Delete);
            match (&state.session, state.server.as_mut()) {
                (_, None) => Write::Nothing,
                (None, Some(login)) => {
                    let own_remember = incoming
                        .remember_ref
                        .is_some_and(|r| r.login_id == login.login_id);
                    if restorable && own_remember && login.record.remember.is_some() {
                        Write::Nothing
                    } else {
                        let key = RecordKey::of_login(&login.login_id);
                        state.server = None;
                        Write::Delete(key)
                    }
                }
                (Some(session), Some(login)) if state.session_dirty => {
                    login.record.state = session.clone();
                    Write::Save(login.login_id, Box::new(login.record.clone()))
                }
                (Some(_), Some(_)) => Write::Nothing,
            }
        };
        let server = self.server()?;
        match write {
            Write::Nothing => Ok(()),
            Write::Save(login_id, record) => server.save(&login_id, &record, now_secs()).await,
            Write::Delete(key) => server.delete(&key).await,
        }
    }

    /// Deletes the record of the login this request held, if any.
    pub(super) async fn end_server_login(&self) -> Result<(), StoreError> {
        let Some(login) = self.state.borrow_mut().server.take() else {
            return Ok(());
        };
        self.server()?.delete(&RecordKey::of_login(&login.login_id)).await
    }

    /// Restores a login from its server-side remember token: the record must exist and hold
    /// the token's validator, unexpired. The restored login gets a new session id and is not
    /// fresh. A token whose user is gone, inactive or changed credentials ends the login.
    pub(super) async fn restore_server(
        &self,
        req: &HttpRequest,
        token: LoginRef,
    ) -> Result<Option<U>, LoaderError> {
        let server = self.server()?;
        let now = now_secs();
        let held = {
            let mut state = self.state.borrow_mut();
            match state.server.take() {
                Some(login) if login.login_id == token.login_id => Some(login.record),
                other => {
                    state.server = other;
                    None
                }
            }
        };
        let record = match held {
            Some(record) => Some(record),
            None => server.load(&token.login_id).await?,
        };
        if self.decided() {
            return Ok(None);
        }
        let Some(mut record) = record.filter(|r| r.remembers(&token.secret, now)) else {
            self.state.borrow_mut().remember = RememberOp::Delete;
            return Ok(None);
        };
        let loaded = match record.user_id().parse::<U::Id>() {
            Ok(id) => (self.config.load_user)(id, req).await?,
            Err(_) => None,
        };
        if self.decided() {
            return Ok(None);
        }
        let user = match loaded {
            Some(u)
                if u.is_authenticated()
                    && self.auth_matches(&u, record.state.auth_digest.as_ref()).is_some() =>
            {
                u
            }
            _ => {
                self.state.borrow_mut().remember = RememberOp::Delete;
                server.delete(&token.key()).await?;
                return Ok(None);
            }
        };
        let secret = random_secret()?;
        // The new session's digest is the user's current auth hash under the primary key: the
        // record's, or the same hash re-digested if the record's was made before a rotation.
        let session = self.new_session(req, &user, false, now);
        record.session_digest = secret_digest(&secret);
        record.state = session.clone();
        server.save(&token.login_id, &record, now).await?;
        let mut state = self.state.borrow_mut();
        state.session = Some(session);
        state.session_dirty = true;
        state.server = Some(Box::new(ServerLogin {
            login_id: token.login_id,
            record,
            new_secret: Some(secret),
        }));
        Ok(Some(user))
    }

    /// The record of a new login of `session`'s user from this request.
    pub(super) fn new_record(
        &self,
        req: &HttpRequest,
        session: &crate::store::state::SessionState,
        login: &LoginRef,
        remember: Option<(Secret, u64)>,
    ) -> Result<LoginRecord, StoreError> {
        let user_agent = req
            .headers()
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        Ok(LoginRecord {
            handle: random_secret()?,
            created_at: session.logged_in_at,
            user_agent: cut_user_agent(user_agent),
            session_digest: secret_digest(&login.secret),
            remember: remember.map(|(validator, expires_at)| crate::store::record::RememberPart {
                validator_digest: secret_digest(&validator),
                expires_at,
            }),
            state: session.clone(),
        })
    }

    /// The store keys of every login this request names: the one it holds and the ones its
    /// cookies point to (they may differ when a cookie is stale).
    pub(super) fn named_logins(&self, incoming: &Incoming) -> Vec<RecordKey> {
        let state = self.state.borrow();
        let mut keys: Vec<RecordKey> = state
            .server
            .iter()
            .map(|l| RecordKey::of_login(&l.login_id))
            .chain(incoming.session_ref.map(|r| r.key()))
            .chain(incoming.remember_ref.map(|r| r.key()))
            .collect();
        keys.sort();
        keys.dedup();
        keys
    }
}
