//! [`UserCheck`]: a route's `check = path::to::fn`, sync or async (Django's
//! `user_passes_test`).

use std::future::{Future, ready};

/// Marks a plain `fn(&User) -> bool` check.
#[derive(Debug)]
pub enum SyncCheck {}
/// Marks an `async fn(&User) -> bool` check.
#[derive(Debug)]
pub enum AsyncCheck {}

/// A function that decides whether a logged-in user may use a route: `fn(&User) -> bool` or
/// `async fn(&User) -> bool`, given as `#[login_required(check = path::to::fn)]`.
/// `Marker` tells the two apart ([`SyncCheck`], [`AsyncCheck`]); it is inferred.
///
/// ```
/// use login_runtime::UserCheck;
///
/// struct User { id: u64, verified: bool }
///
/// fn is_verified(user: &User) -> bool {
///     user.verified
/// }
/// async fn is_staff(user: &User) -> bool {
///     user.id < 100 // ask a directory service, say
/// }
/// # actix_web::rt::System::new().block_on(async {
/// let ann = User { id: 7, verified: false };
/// assert!(!is_verified.run_check(&ann).await);
/// assert!(is_staff.run_check(&ann).await);
/// # });
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a check for `{U}`",
    label = "not a `fn(&{U}) -> bool` or `async fn(&{U}) -> bool`",
    note = "a `check = ..` names a function that takes the user by reference and returns `bool`: `fn is_verified(user: &{U}) -> bool` or `async fn is_verified(user: &{U}) -> bool`"
)]
pub trait UserCheck<U, Marker> {
    /// Runs the check.
    fn run_check<'a>(&'a self, user: &'a U) -> impl Future<Output = bool> + 'a;
}

impl<U, F: Fn(&U) -> bool> UserCheck<U, SyncCheck> for F {
    fn run_check<'a>(&'a self, user: &'a U) -> impl Future<Output = bool> + 'a {
        ready(self(user))
    }
}

impl<U, F: AsyncFn(&U) -> bool> UserCheck<U, AsyncCheck> for F {
    fn run_check<'a>(&'a self, user: &'a U) -> impl Future<Output = bool> + 'a {
        self(user)
    }
}
