//! The connection side of [`RedisStore`](super::RedisStore): one lazily made connection
//! manager, spaced reconnects while Redis is down, a fresh manager after a failure the manager
//! does not repair (a wrong password, a server turned read-only), and errors that never show a
//! password.

use std::sync::atomic::Ordering;
use std::sync::{Arc, PoisonError};
use std::time::Instant;

use ::redis::aio::{ConnectionManager, ConnectionManagerConfig};
use ::redis::{Cmd, FromRedisValue, Pipeline, RedisError, RedisResult};

use super::{FIRST_PAUSE, MAX_PAUSE, RedisStore};
use crate::error::StoreError;

/// The connection failure the store is waiting out.
pub(super) struct Outage {
    /// Failures in a row.
    failures: u32,
    /// Calls before this fail at once.
    retry_at: Instant,
    /// The last error, as reported.
    error: String,
}

/// One request to Redis: a command or a pipeline (a transaction, or several `MGET`s).
#[derive(Clone, Copy)]
pub(super) enum Request<'r> {
    Cmd(&'r Cmd),
    Pipe(&'r Pipeline),
}

impl Request<'_> {
    async fn send<T: FromRedisValue>(self, conn: &mut ConnectionManager) -> RedisResult<T> {
        match self {
            Request::Cmd(cmd) => cmd.query_async(conn).await,
            Request::Pipe(pipe) => pipe.query_async(conn).await,
        }
    }
}

impl RedisStore {
    /// The connection manager, made on first use (it connects lazily, on the first command).
    pub(super) fn connection(&self) -> Result<Arc<ConnectionManager>, StoreError> {
        // The manager spawns tasks (when made, when reconnecting): without a runtime they would
        // panic.
        if tokio::runtime::Handle::try_current().is_err() {
            return Err(StoreError::unavailable(format!(
                "Redis at {}: the store must be called inside a Tokio runtime (actix-web's is one)",
                self.address
            )));
        }
        if let Some(manager) = &*self.manager.read().unwrap_or_else(PoisonError::into_inner) {
            return Ok(Arc::clone(manager));
        }
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(self.connect_timeout))
            .set_response_timeout(Some(self.response_timeout))
            // One attempt per reconnect: the store spaces attempts out itself (`Outage`), and a
            // call must not sit in a retry loop while the runtime's timeout runs out.
            .set_number_of_retries(0);
        let mut slot = self.manager.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(manager) = &*slot {
            return Ok(Arc::clone(manager));
        }
        let manager = ConnectionManager::new_lazy_with_config(self.client.clone(), config)
            .map_err(|e| self.unavailable(&e))?;
        Ok(Arc::clone(slot.insert(Arc::new(manager))))
    }

    /// Forgets `manager` (if it is still the current one): the next call makes a new one.
    pub(super) fn discard(&self, manager: &Arc<ConnectionManager>) {
        let mut slot = self.manager.write().unwrap_or_else(PoisonError::into_inner);
        if slot.as_ref().is_some_and(|current| Arc::ptr_eq(current, manager)) {
            *slot = None;
        }
    }

    /// Sends `request`, once more if the connection turned out to be down (the manager has
    /// started a new one by then), and keeps track of connection failures.
    ///
    /// The manager reconnects by itself after an I/O error, but not after a failed handshake
    /// (a wrong password) or a server that turned read-only (a failover behind the same
    /// address): then the store drops it, and the next call, after the pause, starts afresh.
    pub(super) async fn query<T: FromRedisValue>(&self, request: Request<'_>) -> Result<T, StoreError> {
        self.wait_out_outage()?;
        let manager = self.connection()?;
        let mut conn = ConnectionManager::clone(&manager);
        let mut result = request.send(&mut conn).await;
        if let Err(err) = &result
            && is_connection_error(err)
        {
            result = request.send(&mut conn).await;
        }
        match result {
            Ok(value) => {
                self.connected();
                Ok(value)
            }
            Err(err) => {
                if is_connection_error(&err) {
                    self.disconnected(&err);
                } else if needs_new_connection(&err) {
                    self.discard(&manager);
                    self.disconnected(&err);
                }
                Err(self.store_error(&err))
            }
        }
    }

    /// Fails at once while the last connection attempt failed and the pause has not run out.
    pub(super) fn wait_out_outage(&self) -> Result<(), StoreError> {
        if !self.failing.load(Ordering::Acquire) {
            return Ok(());
        }
        let outage = self.outage.lock().unwrap_or_else(PoisonError::into_inner);
        match &*outage {
            Some(o) => {
                let left = o.retry_at.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Ok(());
                }
                Err(StoreError::unavailable(format!(
                    "Redis at {}: {} (next connection attempt in {} ms)",
                    self.address,
                    o.error,
                    left.as_millis().max(1)
                )))
            }
            None => Ok(()),
        }
    }

    pub(super) fn connected(&self) {
        if self.failing.load(Ordering::Acquire) {
            *self.outage.lock().unwrap_or_else(PoisonError::into_inner) = None;
            self.failing.store(false, Ordering::Release);
        }
    }

    pub(super) fn disconnected(&self, err: &RedisError) {
        let mut outage = self.outage.lock().unwrap_or_else(PoisonError::into_inner);
        let failures = outage.as_ref().map_or(0, |o| o.failures).saturating_add(1);
        let pause = FIRST_PAUSE
            .saturating_mul(1 << failures.saturating_sub(1).min(10))
            .min(MAX_PAUSE);
        *outage = Some(Outage {
            failures,
            retry_at: Instant::now() + pause,
            error: self.scrub(err.to_string()),
        });
        self.failing.store(true, Ordering::Release);
    }

    /// The store error for a Redis error: data Redis holds under our keys that we cannot have
    /// written is corrupt; everything else is "unavailable", naming the server.
    pub(super) fn store_error(&self, err: &RedisError) -> StoreError {
        let foreign = has_code(err, "WRONGTYPE") || err.kind() == ::redis::ErrorKind::UnexpectedReturnType;
        if foreign {
            StoreError::corrupt(format!(
                "Redis at {}: {}",
                self.address,
                self.scrub(err.to_string())
            ))
        } else {
            self.unavailable(err)
        }
    }

    pub(super) fn unavailable(&self, err: &RedisError) -> StoreError {
        let mut message = format!("Redis at {}: {}", self.address, self.scrub(err.to_string()));
        if err.is_timeout() {
            message.push_str(&format!(
                " (connect timeout {} ms, response timeout {} ms)",
                self.connect_timeout.as_millis(),
                self.response_timeout.as_millis()
            ));
        }
        StoreError::unavailable(message)
    }

    /// `text` without the password (Redis' messages do not contain it; this makes sure).
    pub(super) fn scrub(&self, text: String) -> String {
        match &self.password {
            Some(p) if !p.is_empty() && text.contains(p.as_str()) => text.replace(p.as_str(), "***"),
            _ => text,
        }
    }
}

/// Whether `err` means the connection is down or was lost (refused, reset, closed), as opposed
/// to a slow answer or an error answer from a live server.
pub(super) fn is_connection_error(err: &RedisError) -> bool {
    err.is_io_error() && !err.is_timeout()
}

/// Whether `err` leaves the connection unusable in a way the manager does not repair by itself:
/// a failed handshake (wrong password), a broken protocol stream, a server now read-only.
pub(super) fn needs_new_connection(err: &RedisError) -> bool {
    !err.is_io_error() && (err.is_unrecoverable_error() || has_code(err, "READONLY"))
}

/// Whether Redis answered `code` (`WRONGTYPE`, `READONLY`...), to the command or to any command
/// of a transaction.
pub(super) fn has_code(err: &RedisError, code: &str) -> bool {
    err.code() == Some(code)
        || err
            .clone()
            .into_server_errors()
            .is_some_and(|errors| errors.iter().any(|(_, e)| e.code() == code))
}

/// `url` with any password (userinfo) replaced by `***`, for messages about a URL that may not
/// parse.
pub(super) fn redact_url(url: &str) -> String {
    let (scheme, rest) = match url.find("://") {
        Some(at) => url.split_at(at + 3),
        None => ("", url),
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rfind('@') {
        Some(at) => format!("{scheme}***{}{tail}", &authority[at..]),
        None => url.to_owned(),
    }
}
