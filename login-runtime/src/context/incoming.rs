//! Finding our cookies in the request: a scan of the `Cookie` headers for the session and
//! remember cookies, and their signatures checked (or their encryption opened). No store call,
//! no user load: a value with a bad signature never reaches a store. Which key opened each
//! cookie is kept, so one opened with a fallback key is re-sealed (`rekey.rs`).

use actix_web::HttpRequest;
use actix_web::http::header;

use crate::clock::now_secs;
use crate::context::LoginContext;
use crate::crypto::keys::KeyMatch;
use crate::remember::RememberToken;
use crate::store::server::LoginRef;
use crate::user::UserMixin;

/// What the request brought.
pub(super) struct Incoming {
    pub(super) had_session_cookie: bool,
    pub(super) had_remember_cookie: bool,
    /// A valid stateless remember token.
    pub(super) remember: Option<RememberToken>,
    /// A validly signed server-side session id (not yet checked against the store).
    pub(super) session_ref: Option<LoginRef>,
    /// A validly signed server-side remember token (not yet checked against the store).
    pub(super) remember_ref: Option<LoginRef>,
    /// The session cookie was opened with a fallback key, not the primary.
    pub(super) session_by_fallback: bool,
    /// The remember cookie was opened with a fallback key, not the primary.
    pub(super) remember_by_fallback: bool,
}

impl Incoming {
    /// Whether the request carries a remember cookie that may still be valid.
    pub(super) fn has_remember(&self) -> bool {
        self.remember.is_some() || self.remember_ref.is_some()
    }
}

impl<U: UserMixin> LoginContext<U> {
    /// Reads the cookies on first use. With the stateless cookie, the session state is decoded
    /// here; with a server-side store, only the signed id is (the chain loads the record).
    pub(super) fn incoming(&self, req: &HttpRequest) -> &Incoming {
        self.incoming.get_or_init(|| {
            let config = &*self.config;
            let server = config.server.is_some();
            let mut incoming = Incoming {
                had_session_cookie: false,
                had_remember_cookie: false,
                remember: None,
                session_ref: None,
                remember_ref: None,
                session_by_fallback: false,
                remember_by_fallback: false,
            };
            let mut session = None;
            // Scan the `Cookie` headers in place for our two names: no cookie jar, no copy of
            // any cookie. The scan works on bytes, so a non-UTF-8 byte in somebody else's
            // cookie cannot hide ours; only our own values must be UTF-8 (they are base64url,
            // compared as sent, without percent-decoding). The first cookie of a name wins, as
            // browsers send the most specific first.
            for header in req.headers().get_all(header::COOKIE) {
                for pair in header.as_bytes().split(|&b| b == b';') {
                    let Some(eq) = pair.iter().position(|&b| b == b'=') else {
                        continue;
                    };
                    let name = pair[..eq].trim_ascii();
                    let value = pair[eq + 1..].trim_ascii();
                    let value = value
                        .strip_prefix(b"\"")
                        .and_then(|v| v.strip_suffix(b"\""))
                        .unwrap_or(value);
                    // A value of ours that is not UTF-8 is a bad cookie: present, never valid.
                    let value = std::str::from_utf8(value).ok();
                    if name == config.cookies.session.name.as_bytes() && !incoming.had_session_cookie {
                        incoming.had_session_cookie = true;
                        let key = if server {
                            let opened = value.and_then(|v| LoginRef::open(&config.keys.session_id, v));
                            opened.map(|(r, key)| {
                                incoming.session_ref = Some(r);
                                key
                            })
                        } else {
                            let opened = value.and_then(|v| config.keys.session.open(v));
                            opened.map(|(s, key)| {
                                session = Some(s);
                                key
                            })
                        };
                        incoming.session_by_fallback = key.is_some_and(KeyMatch::is_fallback);
                    } else if name == config.cookies.remember.name.as_bytes() && !incoming.had_remember_cookie
                    {
                        incoming.had_remember_cookie = true;
                        let key = if server {
                            let opened = value.and_then(|v| LoginRef::open(&config.keys.remember_id, v));
                            opened.map(|(r, key)| {
                                incoming.remember_ref = Some(r);
                                key
                            })
                        } else {
                            // The clock is read only when a remember cookie is there to check.
                            let opened = value.and_then(|v| config.keys.remember.open(v, now_secs()));
                            opened.map(|(t, key)| {
                                incoming.remember = Some(t);
                                key
                            })
                        };
                        incoming.remember_by_fallback = key.is_some_and(KeyMatch::is_fallback);
                    }
                }
            }
            self.state.borrow_mut().session = session;
            incoming
        })
    }

    /// Whether this request read or changed the login state (else `finish` writes nothing).
    pub(crate) fn touched(&self) -> bool {
        self.incoming.get().is_some()
    }
}
