//! The user side of the contract: [`UserMixin`] and [`AnonymousUser`].

use std::fmt::Display;
use std::str::FromStr;

/// What a user type must provide to be logged in: Flask-Login's `UserMixin`.
///
/// Usually derived with `#[derive(UserMixin)]`; implement it by hand when the id or the flags
/// are computed.
///
/// ```
/// use login_runtime::UserMixin;
///
/// #[derive(Clone)]
/// struct User { id: u64, banned: bool, password_hash: String }
///
/// impl UserMixin for User {
///     type Id = u64;
///     fn get_id(&self) -> &u64 { &self.id }
///     fn is_active(&self) -> bool { !self.banned }
///     fn auth_hash(&self) -> Option<&[u8]> { Some(self.password_hash.as_bytes()) }
/// }
///
/// let user = User { id: 7, banned: false, password_hash: "x".into() };
/// assert!(user.is_authenticated());
/// assert!(user.is_same_user(&user.clone()));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a user type: it does not implement `UserMixin`",
    label = "`{Self}` needs `#[derive(UserMixin)]`",
    note = "add `#[derive(UserMixin)]` to `{Self}` (its `id` field becomes the user id), or implement `login_runtime::UserMixin` by hand",
    note = "`CurrentUser<T>` and the other extractors take the user struct itself; for a handler that also serves anonymous visitors, take `MaybeUser<User>` rather than `CurrentUser<Option<User>>`"
)]
pub trait UserMixin: 'static {
    /// The user id. It is written into cookies with `Display` and read back with `FromStr`, so
    /// the two must round-trip.
    type Id: Display + FromStr + PartialEq + 'static;

    /// The id stored in the session and the remember cookie (Flask-Login's `get_id`).
    fn get_id(&self) -> &Self::Id;

    /// Whether the account may log in. `login_user` refuses an inactive user unless forced, and
    /// an inactive user loaded from a cookie is treated as anonymous. Default: `true`.
    fn is_active(&self) -> bool {
        true
    }

    /// Whether this user counts as logged in: Flask-Login returns `is_active` here, and so do we.
    fn is_authenticated(&self) -> bool {
        self.is_active()
    }

    /// Always `false` for a real user; see [`AnonymousUser`].
    fn is_anonymous(&self) -> bool {
        false
    }

    /// Bytes that change when the user's credentials change (a password hash, a security
    /// stamp). A keyed digest of them is stored in the session and the remember cookie; when they
    /// change, every existing login of this user stops working. Default: none.
    fn auth_hash(&self) -> Option<&[u8]> {
        None
    }

    /// Whether `other` is the same user: Flask-Login's `__eq__`, which compares ids.
    fn is_same_user(&self, other: &Self) -> bool
    where
        Self: Sized,
    {
        self.get_id() == other.get_id()
    }
}

/// Flask-Login's `AnonymousUserMixin`: what templates see when nobody is logged in.
///
/// ```
/// use login_runtime::AnonymousUser;
/// let anon = AnonymousUser;
/// assert!(anon.is_anonymous() && !anon.is_authenticated() && !anon.is_active());
/// assert_eq!(anon.get_id(), None);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AnonymousUser;

impl AnonymousUser {
    /// Always `false`.
    pub fn is_authenticated(&self) -> bool {
        false
    }
    /// Always `false`.
    pub fn is_active(&self) -> bool {
        false
    }
    /// Always `true`.
    pub fn is_anonymous(&self) -> bool {
        true
    }
    /// Always `None`.
    pub fn get_id(&self) -> Option<String> {
        None
    }
}
