//! Items the macros' generated code uses. Not public API: may change in any release.

pub use crate::extract::Authorized;
pub use crate::guard::AuthorizeRule;
pub use crate::guard::{
    AnonymousRequired, Flavour, FreshLoginRequired, Guard, LoginRequired, RouteOptions, RouteRule,
};
pub use crate::loader::{IntoLoadResult, LoaderErrorMessage, RequestLoaderOf};
pub use crate::permission::{IntoPermissions, PermissionSet, UserCheck, permissions_of};
pub use actix_web::dev::Payload;
pub use actix_web::{FromRequest, HttpRequest};
pub use core::clone::Clone;
pub use core::option::Option::{self, None, Some};
pub use core::result::Result::{self, Err, Ok};
pub use std::boxed::Box;
pub use std::future::{Future, ready};
pub use std::rc::Rc;
pub use std::string::String;

/// Whether `set` holds `permission`: what a route's `permission = ..` expands to, spanned at the
/// permission so a wrong type is reported there.
pub fn has_permission<S: PermissionSet<P> + ?Sized, P: ?Sized>(set: &S, permission: &P) -> bool {
    set.has_permission(permission)
}

/// Checks, at compile time, that a route's user type has a permission loader (spanned at the
/// route's permission).
pub const fn assert_permission_loader<U: crate::PermissionLoader>() {}

/// Runs a route's `check = ..` function, spanned at the path so a wrong signature is reported
/// there, once (a boxed future: its type does not depend on the check's, so a check with the
/// wrong signature is not reported again where the future is awaited).
pub fn run_check<'a, U, M, F: UserCheck<U, M>>(check: &'a F, user: &'a U) -> crate::LocalBoxFuture<'a, bool> {
    Box::pin(check.run_check(user))
}

/// A loader parameter: any actix-web extractor (`HttpRequest`, `web::Data<T>`, ...).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a loader parameter: loader parameters are actix-web extractors",
    label = "not an extractor",
    note = "to reach shared state such as a database pool, register it with `App::app_data(web::Data::new(...))` and take `web::Data<{Self}>`"
)]
pub trait LoaderArg: Sized {
    /// Extracts the parameter from the request.
    fn extract(req: &HttpRequest) -> crate::LocalBoxFuture<'static, Result<Self, crate::LoaderError>>;
}
impl<T> LoaderArg for T
where
    T: FromRequest + 'static,
    T::Future: 'static,
{
    fn extract(req: &HttpRequest) -> crate::LocalBoxFuture<'static, Result<Self, crate::LoaderError>> {
        let future = T::from_request(req, &mut Payload::None);
        Box::pin(async move {
            future.await.map_err(|e| {
                let err = crate::LoaderError::from_extractor(e.into());
                // A request loader whose parameter cannot be extracted is skipped as a whole:
                // name the parameter, so "why is my Bearer branch never reached" has an answer.
                tracing::debug!(
                    target: "login_runtime",
                    parameter = std::any::type_name::<T>(),
                    error = %err,
                    "a loader parameter could not be extracted"
                );
                err
            })
        })
    }
}

/// The bounds of a user id (`UserMixin::Id`), as one trait so the derive can check them with
/// a message that explains why they are needed.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a user id: the id is written into cookies with `Display` and read back with `FromStr`",
    label = "`{Self}` cannot be written to and parsed from a string",
    note = "use a `String`, an integer or a UUID as the id, or implement `Display`, `FromStr` and `PartialEq` for `{Self}` so that parsing what `Display` wrote gives back an equal id"
)]
pub trait UserId: core::fmt::Display + core::str::FromStr + PartialEq + 'static {}
// `do_not_recommend` makes a missing bound one error, with the message above, instead of
// one error per missing trait (`Display`, `FromStr`, `PartialEq`) that each repeat it.
#[diagnostic::do_not_recommend]
impl<T: core::fmt::Display + core::str::FromStr + PartialEq + 'static> UserId for T {}

/// Checks, at compile time, that `T` can be a user id (spanned at the id field's type).
pub const fn assert_user_id<T: UserId>() {}

/// Checks, at compile time, that a `#[user_loader]` returns a user type (the id parameter's
/// type is checked where the generated impl passes it the id, once).
pub const fn assert_user_loader<U: crate::UserMixin>() {}

/// Checks, at compile time, that the user type a guarded handler's extractor names is one
/// (spanned at that type, so the error is not only actix-web's at the route attribute).
pub const fn assert_handler_user<U: crate::UserMixin>() {}

/// A field marked `#[user(auth_hash)]`: anything readable as bytes.
#[diagnostic::on_unimplemented(
    message = "`#[user(auth_hash)]` needs a field that can be read as bytes, and `{Self}` cannot",
    label = "not readable as bytes",
    note = "mark a `String` or `Vec<u8>` field (a password hash, a security stamp), or implement `AsRef<[u8]>` for `{Self}`"
)]
pub trait AuthHashField {
    /// The bytes to digest.
    fn auth_hash_bytes(&self) -> &[u8];
}
impl<T: AsRef<[u8]> + ?Sized> AuthHashField for T {
    fn auth_hash_bytes(&self) -> &[u8] {
        self.as_ref()
    }
}

/// The id parameter of a `#[user_loader]`: it must have the user's id type exactly.
#[diagnostic::on_unimplemented(
    message = "the id parameter of this `#[user_loader]` has type `{Self}`, but the user's id has type `{Id}`",
    label = "expected `{Id}`, the type of the user's id field",
    note = "the first parameter of a `#[user_loader]` receives the id that `UserMixin::get_id` returned at login: give it the id's type, `{Id}`"
)]
pub trait IdParam<Id> {
    /// The id, unchanged.
    fn from_user_id(id: Id) -> Self;
}
impl<Id> IdParam<Id> for Id {
    fn from_user_id(id: Id) -> Self {
        id
    }
}

/// What the stand-in impl of a failed `#[derive(UserMixin)]` returns; never reached, since
/// the program does not compile.
pub static NO_ID: String = String::new();

/// The `Clone` that `LoginSession::login_user` needs, as one trait so a user type without it
/// is told why in our words.
#[diagnostic::on_unimplemented(
    message = "`login_user` keeps its own copy of the user, and `{Self}` does not implement `Clone`",
    label = "`{Self}` is not `Clone`",
    note = "add `Clone` to the derives of `{Self}`: `#[derive(Clone, UserMixin)]`"
)]
pub trait CloneUser: Clone {}
#[diagnostic::do_not_recommend]
impl<T: Clone> CloneUser for T {}
