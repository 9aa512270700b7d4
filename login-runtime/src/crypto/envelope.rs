//! The one envelope every login cookie goes through: signed (`wire.rs`) or encrypted
//! (`private.rs`), as the manager was built ([`CookieContent`]).

use crate::crypto::keys::{KeyMatch, KeyRing, Purpose};
use crate::crypto::private::PrivateRing;
use crate::crypto::wire;

/// What the login cookies' values reveal: set with
/// [`cookie_content`](crate::LoginManagerBuilder::cookie_content).
///
/// - `Signed` (the default): the content is base64url-encoded and signed with HMAC-SHA256.
///   Nobody can forge or change it, but anyone who sees the cookie can read it: the user id,
///   the login times and a `next` URL kept in the session.
/// - `Private`: the content is encrypted and authenticated with AES-256-GCM under a
///   random nonce, so the cookie reads as random bytes, and a changed or foreign cookie is
///   refused exactly as a badly signed one is (ignored, and removed where a bad signed one
///   would be). It costs about 0.9 µs more per cookie written (most of it
///   drawing the random nonce) and about 0.25 µs more per cookie read, and the value is a few
///   bytes shorter than a signed one (BENCHMARKS.md, "Private cookies").
///
/// Both use the secret key and its fallbacks the same way: the primary key seals, every key
/// opens, and a cookie opened with a fallback key is re-sealed with the primary key on that
/// response. The two formats do not open each other: switching one way or the other logs every
/// user out, as a new secret key would.
///
/// ```
/// # use actix_web::{App, test, web};
/// # use login_runtime::{CurrentUser, LoginManager, UserMixin, user_loader};
/// # #[derive(Clone, UserMixin)] struct User { id: String }
/// # #[user_loader] async fn load(id: String) -> Option<User> { Some(User { id }) }
/// # actix_web::rt::System::new().block_on(async {
/// use login_runtime::CookieContent;
///
/// let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
///     .cookie_content(CookieContent::Private)
///     .build()?;
/// let login = manager.test_login(&User { id: "ann@example.com".into() });
/// # let me = |user: CurrentUser<User>| async move { user.id.clone() };
/// # let app = test::init_service(App::new().wrap(manager.clone()).route("/me", web::get().to(me))).await;
/// // The cookie reads as random bytes to the client; the manager reads it back.
/// let req = login.apply(test::TestRequest::get().uri("/me"));
/// assert_eq!(test::call_and_read_body(&app, req.to_request()).await, "ann@example.com");
/// # Ok::<(), login_runtime::ConfigError>(())
/// # })?;
/// # Ok::<(), login_runtime::ConfigError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum CookieContent {
    /// Signed with HMAC-SHA256, readable by whoever holds the cookie (the default).
    #[default]
    Signed,
    /// Encrypted and authenticated with AES-256-GCM: unreadable without the key.
    Private,
}

/// The keys of one cookie's purpose in the format the manager uses. The AES key schedules are
/// boxed: they are about a kilobyte, and the signed envelope stays small.
#[derive(Clone)]
pub(crate) enum Envelope {
    Signed(KeyRing),
    Private(Box<PrivateRing>),
}

impl Envelope {
    /// The envelope of `purpose` in the `content` format, keyed by the secret and fallbacks.
    pub(crate) fn new(
        secret: &[u8],
        fallbacks: &[Vec<u8>],
        purpose: Purpose,
        content: CookieContent,
    ) -> Self {
        match content {
            CookieContent::Signed => Envelope::Signed(KeyRing::new(secret, fallbacks, purpose)),
            CookieContent::Private => {
                Envelope::Private(Box::new(PrivateRing::new(secret, fallbacks, purpose)))
            }
        }
    }

    /// The cookie value carrying `payload`, sealed with the primary key.
    pub(crate) fn seal(&self, payload: &[u8]) -> String {
        match self {
            Envelope::Signed(keys) => wire::seal(keys, payload),
            Envelope::Private(keys) => keys.seal(payload),
        }
    }

    /// What `read` makes of the payload of `value`, with the key that opened it; `None` for a
    /// value that is malformed, tampered with, or sealed by no key of ours.
    pub(crate) fn open<T>(
        &self,
        value: &str,
        read: impl FnOnce(&[u8]) -> Option<T>,
    ) -> Option<(T, KeyMatch)> {
        match self {
            Envelope::Signed(keys) => wire::open(keys, value, read),
            Envelope::Private(keys) => keys.open(value, read),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_two_formats_never_open_each_other() {
        let secret = [4; 32];
        let signed = Envelope::new(&secret, &[], Purpose::Session, CookieContent::Signed);
        let private = Envelope::new(&secret, &[], Purpose::Session, CookieContent::Private);
        let read = |p: &[u8]| Some(p.to_vec());
        assert_eq!(
            signed.open(&signed.seal(b"m"), read),
            Some((b"m".to_vec(), KeyMatch::Primary))
        );
        assert_eq!(
            private.open(&private.seal(b"m"), read),
            Some((b"m".to_vec(), KeyMatch::Primary))
        );
        assert_eq!(private.open(&signed.seal(b"m"), read), None);
        assert_eq!(signed.open(&private.seal(b"m"), read), None);
    }
}
