//! The opaque keys a [`SessionStore`](crate::store::SessionStore) stores records under.

use std::fmt;

use crate::crypto::keys::digest;

/// The key of one login's record: a SHA-256 digest of the login's random id, never the id
/// itself, so the store's contents give no usable cookie.
///
/// ```
/// use login_runtime::store::RecordKey;
///
/// let key = RecordKey::from_bytes([7; 32]);
/// assert_eq!(key.to_hex().len(), 64);
/// assert_eq!(RecordKey::from_hex(&key.to_hex()), Some(key));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RecordKey([u8; 32]);

/// The key of one user's index: a SHA-256 digest of the user id.
///
/// ```
/// use login_runtime::store::UserKey;
///
/// let key = UserKey::from_bytes([1; 32]);
/// assert_eq!(UserKey::from_hex(&key.to_hex()), Some(key));
/// assert_eq!(UserKey::from_hex("not hex"), None);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UserKey([u8; 32]);

macro_rules! digest_key {
    ($name:ident) => {
        impl $name {
            /// The key with these bytes (as a backend read them back from its storage).
            pub fn from_bytes(bytes: [u8; 32]) -> Self {
                $name(bytes)
            }

            /// The key's bytes.
            pub fn as_bytes(&self) -> &[u8; 32] {
                &self.0
            }

            /// The key as 64 lowercase hex digits (for text-keyed stores such as Redis).
            pub fn to_hex(&self) -> String {
                hex(&self.0)
            }

            /// Reads a key written by `to_hex`; `None` for anything else.
            pub fn from_hex(text: &str) -> Option<Self> {
                unhex(text).map($name)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.to_hex())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.to_hex())
            }
        }
    };
}

digest_key!(RecordKey);
digest_key!(UserKey);

impl RecordKey {
    /// The key of the login with this random id.
    pub(crate) fn of_login(login_id: &[u8; 16]) -> Self {
        RecordKey(digest(b"login-runtime/v1/record", login_id))
    }
}

impl UserKey {
    /// The key of the user with this id (as `UserMixin::get_id` displays it).
    pub(crate) fn of_user(user_id: &str) -> Self {
        UserKey(digest(b"login-runtime/v1/user", user_id.as_bytes()))
    }
}

/// Lowercase hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    out
}

/// The `N` bytes written as hex in `text`.
pub(crate) fn unhex<const N: usize>(text: &str) -> Option<[u8; N]> {
    let text = text.as_bytes();
    if text.len() != N * 2 {
        return None;
    }
    let digit = |c: u8| char::from(c).to_digit(16).and_then(|d| u8::try_from(d).ok());
    let mut out = [0; N];
    for (byte, pair) in out.iter_mut().zip(text.chunks_exact(2)) {
        *byte = digit(pair[0])? << 4 | digit(pair[1])?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_digests_that_differ_by_purpose_and_input() {
        let login = RecordKey::of_login(&[1; 16]);
        assert_ne!(login, RecordKey::of_login(&[2; 16]));
        assert_ne!(login.as_bytes(), UserKey::of_user("\u{1}").as_bytes());
        assert_ne!(&login.as_bytes()[..16], &[1; 16]);
    }

    #[test]
    fn hex_round_trips_and_rejects_other_text() {
        assert_eq!(unhex::<2>(&hex(&[0xab, 0x01])), Some([0xab, 0x01]));
        assert_eq!(unhex::<2>("abc"), None);
        assert_eq!(unhex::<2>("zz00"), None);
        assert_eq!(unhex::<1>("+1"), None);
    }
}
