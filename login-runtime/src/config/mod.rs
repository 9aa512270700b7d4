//! The configuration: every setting typed, grouped and validated once, at start-up.
//!
//! - `settings.rs`: the grouped settings and their defaults (written once);
//! - `builder.rs`: [`LoginManagerBuilder`], whose setters write into the settings;
//! - `validate.rs`: the pure checks `build()` runs.
//!
//! `build()` turns the settings into a [`Config`]: the same settings, plus the keys derived
//! from the secret. Every worker shares one `Config` behind an `Arc`.

pub(crate) mod builder;
pub(crate) mod settings;
pub(crate) mod validate;

use std::ops::Deref;

use actix_web::HttpRequest;

use crate::client::ClientSource;
use crate::crypto::envelope::Envelope;
use crate::crypto::fingerprint::FingerprintKeys;
use crate::crypto::keys::{KeyRing, Purpose};
use crate::events::LoginEvent;
use crate::remember::RememberCodec;
use crate::store::cookie::SessionCodec;
use crate::store::server::ServerStore;
use crate::user::UserMixin;

pub use crate::crypto::envelope::CookieContent;
pub use builder::LoginManagerBuilder;
pub use settings::{CookieSettings, SessionProtection};
pub use validate::{MIN_KEY_LEN, parse_duration};

use settings::Settings;

/// The keys derived from the secret (and its fallbacks), one per purpose; the four cookie
/// purposes in the [`CookieContent`] format the manager was built with.
pub(crate) struct Keys {
    /// Seals the stateless session cookie.
    pub(crate) session: SessionCodec,
    /// Seals the stateless remember cookie.
    pub(crate) remember: RememberCodec,
    /// Digests users' auth hashes.
    pub(crate) auth: KeyRing,
    /// Keys the session-protection fingerprint.
    pub(crate) fingerprint: FingerprintKeys,
    /// Seals a server-side session id.
    pub(crate) session_id: Envelope,
    /// Seals a server-side remember token.
    pub(crate) remember_id: Envelope,
}

impl Keys {
    pub(crate) fn derive(secret: &[u8], fallbacks: &[Vec<u8>], content: CookieContent) -> Self {
        let ring = |purpose| KeyRing::new(secret, fallbacks, purpose);
        let envelope = |purpose| Envelope::new(secret, fallbacks, purpose, content);
        Keys {
            fingerprint: FingerprintKeys::new(&ring(Purpose::Session)),
            session: SessionCodec::new(envelope(Purpose::Session)),
            remember: RememberCodec::new(envelope(Purpose::Remember)),
            auth: ring(Purpose::AuthHash),
            session_id: envelope(Purpose::SessionId),
            remember_id: envelope(Purpose::RememberId),
        }
    }
}

/// A worker's handle on the manager's settings: the `Arc` shared by every worker, behind one
/// `Rc` per worker (made once, in `new_transform`), so the per-request clone is a plain count
/// instead of an atomic one (measured: untouched 1.10 -> 1.08 of bare in-process, guarded
/// 1.89 -> 1.85, `--bench interleaved`). The double indirection is on purpose.
#[allow(clippy::redundant_allocation)]
pub(crate) type WorkerConfig<U> = std::rc::Rc<std::sync::Arc<Config<U>>>;

/// The validated configuration shared by every worker: the settings as built, the derived
/// keys, and the server-side store when there is one.
pub(crate) struct Config<U: UserMixin> {
    pub(crate) settings: Settings<U>,
    pub(crate) keys: Keys,
    /// Finds the client address session protection binds (peer or trusted proxies).
    pub(crate) client_source: ClientSource,
    /// `None` for the stateless cookie.
    pub(crate) server: Option<ServerStore>,
}

impl<U: UserMixin> Config<U> {
    pub(crate) fn new(settings: Settings<U>, keys: Keys, client_source: ClientSource) -> Self {
        let server = settings
            .storage
            .store
            .clone()
            .map(|store| ServerStore::new(store, &settings));
        Config {
            settings,
            keys,
            client_source,
            server,
        }
    }

    /// Traces `event` and hands it to every `on_event` hook.
    pub(crate) fn emit(&self, req: &HttpRequest, event: LoginEvent<'_, U>) {
        crate::events::trace(&event);
        for hook in &self.settings.events {
            hook(req, &event);
        }
    }
}

impl<U: UserMixin> Deref for Config<U> {
    type Target = Settings<U>;

    fn deref(&self) -> &Settings<U> {
        &self.settings
    }
}
