//! Procedural macros for `login-runtime`. Use them through `login_runtime`, which re-exports
//! them; each is documented there with the code it expands to.
//!
//! Every entry point forwards to a module that works on `proc_macro2` tokens: parse, validate,
//! expand. Errors are spanned at the offending token and the annotated item is always emitted
//! again, so one mistake gives one error.

mod args;
mod authorize;
mod crate_override;
mod foreign_types;
mod guard;
mod guard_keys;
mod handler_users;
mod loader;
mod loader_fn;
mod loader_return;
mod loader_stand_in;
mod paths;
mod permission_loader;
mod request_loader;
mod signature;
mod user_fields;
mod user_mixin;
mod user_stand_in;

use proc_macro::TokenStream;

/// Derives `login_runtime::UserMixin` for a struct with named fields.
///
/// Field attributes: `#[user(id)]` marks the id field (default: the field named `id`),
/// `#[user(active)]` a `bool` field read by `is_active`, `#[user(auth_hash)]` a field whose bytes
/// change when the credentials change (a password hash).
#[proc_macro_derive(UserMixin, attributes(user))]
pub fn derive_user_mixin(input: TokenStream) -> TokenStream {
    crate_override::expand_derive(input.into(), user_mixin::expand).into()
}

/// Makes an `async fn(id, extractors...) -> Option<User>` the user loader of `User`.
#[proc_macro_attribute]
pub fn user_loader(args: TokenStream, item: TokenStream) -> TokenStream {
    crate_override::expand_attribute(args.into(), item.into(), loader::expand).into()
}

/// Makes an `async fn(extractors...) -> Option<User>` a request loader, registered with
/// `LoginManagerBuilder::request_loader`.
#[proc_macro_attribute]
pub fn request_loader(args: TokenStream, item: TokenStream) -> TokenStream {
    crate_override::expand_attribute(args.into(), item.into(), request_loader::expand).into()
}

/// Makes an `async fn(user: &User, extractors...) -> Permissions` the permission loader of
/// `User`.
#[proc_macro_attribute]
pub fn permission_loader(args: TokenStream, item: TokenStream) -> TokenStream {
    crate_override::expand_attribute(args.into(), item.into(), permission_loader::expand).into()
}

/// Refuses anonymous requests to an actix-web handler.
#[proc_macro_attribute]
pub fn login_required(args: TokenStream, item: TokenStream) -> TokenStream {
    crate_override::expand_attribute(args.into(), item.into(), |a, i| {
        guard::expand(guard::Kind::Login, a, i)
    })
    .into()
}

/// Sends logged-in users away from a page meant for anonymous visitors.
#[proc_macro_attribute]
pub fn anonymous_required(args: TokenStream, item: TokenStream) -> TokenStream {
    crate_override::expand_attribute(args.into(), item.into(), |a, i| {
        guard::expand(guard::Kind::Anonymous, a, i)
    })
    .into()
}

/// Refuses anonymous requests and logins that are not fresh.
#[proc_macro_attribute]
pub fn fresh_login_required(args: TokenStream, item: TokenStream) -> TokenStream {
    crate_override::expand_attribute(args.into(), item.into(), |a, i| {
        guard::expand(guard::Kind::Fresh, a, i)
    })
    .into()
}
