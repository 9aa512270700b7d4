//! [`Authorized`], the guard of routes that check a permission or a `check = ..` function, and
//! [`Permissions`], the logged-in user's permissions for the handler.

use std::marker::PhantomData;
use std::ops::Deref;
use std::rc::Rc;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest};

use crate::context::LoginContext;
use crate::error::{missing_middleware, wrong_user_type};
use crate::events::LoginEvent;
use crate::guard::{AuthorizeRule, DeclaredPublic, GuardHandle, RouteOptions, warn_public_and_guarded};
use crate::loader::LocalBoxFuture;
use crate::permission::{PermissionLoader, permissions_of};
use crate::refusal::Refusal;
use crate::user::UserMixin;

use super::deferred::DeferredRefusal;

/// The request's login context for user type `U`: the missing-middleware error when there is
/// no manager, the wrong-user-type error when the manager manages another type.
fn typed_context<U: UserMixin>(
    req: &HttpRequest,
    what: &str,
) -> Result<Rc<LoginContext<U>>, actix_web::Error> {
    let Some(GuardHandle(ctx)) = req.extensions().get::<GuardHandle>().cloned() else {
        return Err(missing_middleware(what));
    };
    ctx.into_any()
        .downcast::<LoginContext<U>>()
        .map_err(|_| wrong_user_type::<U>(what))
}

/// The extractor the guard macros add to a handler whose route checks a permission or a
/// function: the login (and freshness) checks of [`Guard`](crate::guard::Guard), then
/// [`AuthorizeRule::authorize`]. A logged-in user it refuses gets the forbidden answer (403,
/// JSON in JSON routes, or the `forbidden_handler`), stays logged in, and never reaches the
/// handler.
///
/// ```
/// use std::collections::HashSet;
/// use login_runtime::{UserMixin, login_required, permission_loader, user_loader};
/// # #[derive(Clone, UserMixin)] struct User { id: String }
/// # #[user_loader] async fn load(id: String) -> Option<User> { None }
/// #[derive(PartialEq, Eq, Hash)]
/// enum Perm { Admin }
/// #[permission_loader]
/// async fn permissions(user: &User) -> HashSet<Perm> {
///     HashSet::new()
/// }
///
/// // Expands to `async fn admin(_: Authorized<__login_required_admin>) -> ...` and the
/// // hidden rule type; `AuthorizeRule` shows the rule written by hand.
/// #[login_required(permission = Perm::Admin, user = User)]
/// async fn admin() -> &'static str {
///     "Admin"
/// }
/// ```
pub struct Authorized<R>(PhantomData<R>);

impl<R: AuthorizeRule> std::fmt::Debug for Authorized<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Authorized").field(&R::OPTIONS).finish()
    }
}

impl<R: AuthorizeRule> FromRequest for Authorized<R> {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, actix_web::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        if req.extensions().get::<DeclaredPublic>().is_some() {
            warn_public_and_guarded(req, std::any::type_name::<R>());
        }
        let ctx = typed_context::<R::User>(req, "a `#[login_required(permission = ..)]` route");
        let req = req.clone();
        Box::pin(async move {
            let ctx = ctx?;
            let opts: RouteOptions = R::OPTIONS;
            ctx.check(&req, &opts).await?;
            let Some(Some(user)) = ctx.loaded_user() else {
                // `check` passed, so the chain ran and found a user; refuse rather than trust.
                return Err(ctx.refusal(&req, Refusal::Unauthorized, &opts));
            };
            match R::authorize(Rc::clone(&user), req.clone()).await {
                Ok(true) => Ok(Authorized(PhantomData)),
                Ok(false) => {
                    ctx.config().emit(&req, LoginEvent::Forbidden(&*user));
                    Err(ctx.refusal(&req, Refusal::Forbidden, &opts))
                }
                Err(err) => Err(ctx.load_failure(&req, &opts, err)),
            }
        })
    }
}

/// The logged-in user's permissions, as their [`PermissionLoader`] returns them, loaded once
/// per request (shared with the route's permission guard). An anonymous request is refused
/// like [`CurrentUser`](crate::CurrentUser) refuses it.
///
/// ```
/// use std::collections::HashSet;
/// use login_runtime::{Permissions, UserMixin, permission_loader, user_loader};
/// # #[derive(Clone, UserMixin)] struct User { id: String }
/// # #[user_loader] async fn load(id: String) -> Option<User> { None }
/// #[derive(PartialEq, Eq, Hash)]
/// enum Perm { Admin, Billing }
/// #[permission_loader]
/// async fn permissions(user: &User) -> HashSet<Perm> {
///     HashSet::from([Perm::Billing])
/// }
///
/// async fn menu(perms: Permissions<User>) -> String {
///     let mut items = vec!["Orders"];
///     if perms.contains(&Perm::Billing) {
///         items.push("Invoices");
///     }
///     items.join(" | ")
/// }
/// ```
pub struct Permissions<U: PermissionLoader>(Rc<U::Permissions>);

impl<U: PermissionLoader> Permissions<U> {
    /// The shared permissions.
    ///
    /// ```
    /// use std::collections::HashSet;
    /// use std::rc::Rc;
    /// use login_runtime::{Permissions, UserMixin, permission_loader, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { None }
    /// #[permission_loader]
    /// async fn permissions(user: &User) -> HashSet<String> {
    ///     HashSet::new()
    /// }
    /// async fn audit(perms: Permissions<User>) -> String {
    ///     let perms: Rc<HashSet<String>> = perms.into_inner();
    ///     format!("{} permissions", perms.len())
    /// }
    /// ```
    pub fn into_inner(self) -> Rc<U::Permissions> {
        self.0
    }
}

impl<U: PermissionLoader> Deref for Permissions<U> {
    type Target = U::Permissions;
    fn deref(&self) -> &U::Permissions {
        &self.0
    }
}

impl<U: PermissionLoader> std::fmt::Debug for Permissions<U>
where
    U::Permissions: std::fmt::Debug,
{
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Permissions").field(&self.0).finish()
    }
}

impl<U: PermissionLoader + UserMixin> FromRequest for Permissions<U> {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, actix_web::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let ctx = typed_context::<U>(req, "`Permissions`");
        let req = req.clone();
        Box::pin(async move {
            let ctx = ctx?;
            let opts = RouteOptions::LOGIN_REQUIRED;
            let user = match ctx.authenticated_user(&req).await {
                Ok(Some(user)) => user,
                Ok(None) => return Err(DeferredRefusal::new(ctx, req, Refusal::Unauthorized, opts).into()),
                Err(err) => return Err(ctx.load_failure(&req, &opts, err)),
            };
            match permissions_of(&user, &req).await {
                Ok(perms) => Ok(Permissions(perms)),
                Err(err) => Err(ctx.load_failure(&req, &opts, err)),
            }
        })
    }
}
