//! Where a user's permissions come from ([`PermissionLoader`]), what they are
//! ([`PermissionSet`]), and how a route's `check = ..` function is called ([`UserCheck`]).
//! `slot.rs` loads them at most once per request.

mod check;
mod set;
mod slot;

use std::rc::Rc;

use actix_web::HttpRequest;

use crate::loader::{LoaderError, LocalBoxFuture};
use crate::user::UserMixin;

pub use check::{AsyncCheck, SyncCheck, UserCheck};
pub use set::{OwnPermissions, PermissionField, PermissionSet};
pub use slot::permissions_of;

/// Loads the permissions of a logged-in user. Implemented by `#[permission_loader]` (an async
/// function that may query a database), or by `#[derive(UserMixin)]` for a field marked
/// `#[user(permissions)]` (permissions kept on the user). One per user type.
///
/// The runtime calls it lazily, at most once per request, and only on routes that check a
/// permission (`#[login_required(permission = ..)]`) or take [`Permissions`](crate::Permissions).
///
/// ```
/// use std::collections::HashSet;
/// use actix_web::web;
/// use login_runtime::{UserMixin, permission_loader, user_loader};
/// # #[derive(Clone, UserMixin)] struct User { id: String }
/// # #[user_loader] async fn load(id: String) -> Option<User> { None }
///
/// #[derive(Clone, Copy, PartialEq, Eq, Hash)]
/// enum Perm { Admin, Billing }
///
/// struct Grants(Vec<(String, Perm)>); // a database table, say
///
/// #[permission_loader]
/// async fn permissions(user: &User, grants: web::Data<Grants>) -> HashSet<Perm> {
///     grants.0.iter().filter(|(id, _)| *id == user.id).map(|(_, p)| *p).collect()
/// }
/// ```
///
/// Without the macro, the same loader is:
///
/// ```
/// # use std::collections::HashSet;
/// # use login_runtime::{UserMixin, user_loader};
/// # #[derive(Clone, UserMixin)] struct User { id: String }
/// # #[user_loader] async fn load(id: String) -> Option<User> { None }
/// # #[derive(Clone, Copy, PartialEq, Eq, Hash)] enum Perm { Admin }
/// use std::rc::Rc;
/// use actix_web::HttpRequest;
/// use login_runtime::{LoaderError, LocalBoxFuture, PermissionLoader};
///
/// impl PermissionLoader for User {
///     type Permissions = HashSet<Perm>;
///     fn load_permissions(
///         user: Rc<Self>,
///         _req: HttpRequest,
///     ) -> LocalBoxFuture<'static, Result<HashSet<Perm>, LoaderError>> {
///         Box::pin(async move {
///             Ok(if user.id == "root" { HashSet::from([Perm::Admin]) } else { HashSet::new() })
///         })
///     }
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no permission loader, so a route cannot check its permissions",
    label = "`{Self}` has no permission loader",
    note = "add `#[permission_loader] async fn permissions(user: &{Self}) -> HashSet<Perm> {{ ... }}` (it may return `Result<_, E>` and take extractors such as `web::Data<T>` after the user), or mark a field of `{Self}` with `#[user(permissions)]`"
)]
pub trait PermissionLoader: UserMixin + Sized + 'static {
    /// What the loader returns: a `HashSet<Perm>`, a `Vec<String>`, or anything that
    /// implements [`PermissionSet`].
    type Permissions: 'static;

    /// Loads the permissions of `user`.
    fn load_permissions(
        user: Rc<Self>,
        req: HttpRequest,
    ) -> LocalBoxFuture<'static, Result<Self::Permissions, LoaderError>>;
}

/// Turns what a `#[permission_loader]` returns (`S` or `Result<S, E>`) into the loader's
/// result. Not public API.
#[doc(hidden)]
pub trait IntoPermissions<S> {
    fn into_permissions(self) -> Result<S, LoaderError>;
}

impl<S> IntoPermissions<S> for S {
    fn into_permissions(self) -> Result<S, LoaderError> {
        Ok(self)
    }
}

impl<S, E: std::fmt::Display> IntoPermissions<S> for Result<S, E> {
    fn into_permissions(self) -> Result<S, LoaderError> {
        self.map_err(|e| LoaderError::new(format!("the permission loader failed: {e}")))
    }
}
