//! [`AuthorizeRule`]: what a route checks beyond the login (a permission, a `check = ..`
//! function), written by the guard macros for routes that name one.

use std::future::Future;
use std::rc::Rc;

use actix_web::HttpRequest;

use crate::guard::RouteRule;
use crate::loader::LoaderError;
use crate::user::UserMixin;

/// A route's authorization: after the login (and freshness) checks pass, [`authorize`] decides
/// whether the logged-in user may use the route; `false` is answered with 403.
///
/// `#[login_required(permission = Perm::Admin)]` implements it on the route's hidden rule type
/// and guards the handler with [`Authorized`](crate::Authorized) instead of
/// [`Guard`](crate::guard::Guard). Written by hand, the same route is:
///
/// ```
/// use std::collections::HashSet;
/// use std::future::Future;
/// use std::rc::Rc;
/// use actix_web::HttpRequest;
/// use login_runtime::guard::{AuthorizeRule, RouteOptions, RouteRule};
/// use login_runtime::{Authorized, LoaderError, PermissionSet, UserMixin, permission_loader, user_loader};
/// # #[derive(Clone, UserMixin)] struct User { id: String }
/// # #[user_loader] async fn load(id: String) -> Option<User> { None }
/// #[derive(PartialEq, Eq, Hash)]
/// enum Perm { Admin }
/// #[permission_loader]
/// async fn permissions(user: &User) -> HashSet<Perm> {
///     if user.id == "root" { HashSet::from([Perm::Admin]) } else { HashSet::new() }
/// }
///
/// enum AdminOnly {}
/// impl RouteRule for AdminOnly {
///     const OPTIONS: RouteOptions = RouteOptions::LOGIN_REQUIRED;
/// }
/// impl AuthorizeRule for AdminOnly {
///     type User = User;
///     fn authorize(user: Rc<User>, req: HttpRequest) -> impl Future<Output = Result<bool, LoaderError>> {
///         async move {
///             let perms = login_runtime::permissions_of(&user, &req).await?;
///             Ok(perms.has_permission(&Perm::Admin))
///         }
///     }
/// }
/// async fn admin(_: Authorized<AdminOnly>) -> &'static str {
///     "Admin"
/// }
/// ```
///
/// [`authorize`]: AuthorizeRule::authorize
pub trait AuthorizeRule: RouteRule {
    /// The user type whose permissions are checked: the login manager's.
    type User: UserMixin;

    /// Whether `user`, logged in, may use the route. An error (the permission loader failed)
    /// is answered as a loader error, a store outage as the store's 503: never as a 403.
    fn authorize(
        user: Rc<Self::User>,
        req: HttpRequest,
    ) -> impl Future<Output = Result<bool, LoaderError>> + 'static;
}
