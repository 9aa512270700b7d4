//! The authorization options of the guard macros: `permission = ..` (a permission, a string,
//! or `any(..)` / `all(..)` of them), `check = path::to::fn`, and `user = User` (the user type
//! whose permissions are checked, else read from a `CurrentUser<User>` parameter). Parsed
//! here, and expanded into the route's `AuthorizeRule` impl.

use darling::FromMeta;
use proc_macro2::TokenStream;
use quote::{ToTokens, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Expr, FnArg, GenericArgument, ItemFn, Lit, Meta, PathArguments, Type};

use crate::args::key;
use crate::paths::{private, runtime};
use crate::signature::tidy;

/// What a `permission = ..` asks for.
#[derive(Clone, Debug)]
pub(crate) enum Permission {
    /// One permission: an enum variant, a constant, or a string.
    One(Expr),
    /// `any(a, b, ..)`: at least one of them.
    Any(Vec<Permission>),
    /// `all(a, b, ..)`: every one of them.
    All(Vec<Permission>),
}

const PERMISSION_FORMS: &str =
    "a permission (`Perm::Admin`, `\"admin\"`), or `any(..)` / `all(..)` of permissions";

impl Permission {
    fn parse(expr: &Expr) -> darling::Result<Self> {
        match expr {
            Expr::Path(_) | Expr::Lit(syn::ExprLit { lit: Lit::Str(_), .. }) => Ok(Permission::One(expr.clone())),
            Expr::Group(g) => Permission::parse(&g.expr),
            Expr::Paren(p) => Permission::parse(&p.expr),
            Expr::Call(call) => {
                let name = match &*call.func {
                    Expr::Path(p) if p.path.is_ident("any") => "any",
                    Expr::Path(p) if p.path.is_ident("all") => "all",
                    other => {
                        return Err(darling::Error::custom(format!(
                            "`permission` takes {PERMISSION_FORMS}, not a call to `{}`",
                            tidy(other)
                        ))
                        .with_span(other));
                    }
                };
                if call.args.is_empty() {
                    return Err(darling::Error::custom(format!(
                        "`{name}()` needs at least one permission: write `{name}(Perm::A, Perm::B)`"
                    ))
                    .with_span(call));
                }
                let mut acc = darling::Error::accumulator();
                let inner: Vec<Permission> = call.args.iter().filter_map(|a| acc.handle(Permission::parse(a))).collect();
                acc.finish()?;
                Ok(if name == "any" {
                    Permission::Any(inner)
                } else {
                    Permission::All(inner)
                })
            }
            Expr::Binary(b) => Err(darling::Error::custom(format!(
                "`permission` takes {PERMISSION_FORMS}: write `any(a, b)` for either and `all(a, b)` for both, not `{}`",
                tidy(expr)
            ))
            .with_span(&b.op)),
            other => Err(darling::Error::custom(format!(
                "`permission` takes {PERMISSION_FORMS}, not `{}`",
                tidy(other)
            ))
            .with_span(other)),
        }
    }

    /// The first permission written, where errors about the loader are pointed.
    fn first(&self) -> &Expr {
        match self {
            Permission::One(e) => e,
            Permission::Any(v) | Permission::All(v) => v[0].first(),
        }
    }

    /// `bool` expression over `__perms`, each permission spanned at its own tokens.
    fn expand(&self) -> TokenStream {
        let pv = private();
        match self {
            Permission::One(e) => quote_spanned!(e.span()=> #pv::has_permission(&*__perms, &(#e))),
            Permission::Any(v) => {
                let each = v.iter().map(Permission::expand);
                quote!((#(#each)||*))
            }
            Permission::All(v) => {
                let each = v.iter().map(Permission::expand);
                quote!((#(#each)&&*))
            }
        }
    }
}

impl FromMeta for Permission {
    fn from_meta(item: &Meta) -> darling::Result<Self> {
        let name = key(item);
        match item {
            Meta::NameValue(nv) => Permission::parse(&nv.value),
            Meta::Path(p) => Err(darling::Error::custom(format!(
                "`{name}` needs a value: write `{name} = Perm::Admin` or `{name} = \"admin\"`"
            ))
            .with_span(p)),
            Meta::List(l) => Err(darling::Error::custom(format!(
                "write `{name} = any(..)` or `{name} = all(..)`, with `=`: `{name} = {}`",
                tidy(&l.tokens)
            ))
            .with_span(&l.path)),
        }
    }
}

/// `check = path::to::fn`.
#[derive(Clone, Debug)]
pub(crate) struct Check(pub(crate) syn::Path);

impl FromMeta for Check {
    fn from_meta(item: &Meta) -> darling::Result<Self> {
        let fix = "write `check = is_verified`, naming a `fn(&User) -> bool` or an `async fn(&User) -> bool`";
        match item {
            Meta::NameValue(nv) => match &nv.value {
                Expr::Path(p) => Ok(Check(p.path.clone())),
                Expr::Lit(syn::ExprLit { lit: Lit::Str(s), .. }) => Err(darling::Error::custom(format!(
                    "`check` names a function, not a string: write `check = {}`",
                    s.value()
                ))
                .with_span(s)),
                other => Err(darling::Error::custom(format!(
                    "`check` takes the path of a function: {fix}, not `{}`",
                    tidy(other)
                ))
                .with_span(other)),
            },
            _ => Err(darling::Error::custom(format!("`check` needs a value: {fix}")).with_span(item)),
        }
    }
}

/// `user = User`.
#[derive(Clone, Debug)]
pub(crate) struct UserType(pub(crate) Type);

impl FromMeta for UserType {
    fn from_meta(item: &Meta) -> darling::Result<Self> {
        let fix = "write `user = User`, the type the login manager manages";
        match item {
            Meta::NameValue(nv) => syn::parse2::<Type>(nv.value.to_token_stream())
                .map(UserType)
                .map_err(|_| {
                    darling::Error::custom(format!("`user` takes a type: {fix}")).with_span(&nv.value)
                }),
            _ => Err(darling::Error::custom(format!("`user` needs a value: {fix}")).with_span(item)),
        }
    }
}

/// The authorization a route asks for, validated.
pub(crate) struct Authorization {
    pub(crate) user: Type,
    pub(crate) permission: Option<Permission>,
    pub(crate) check: Option<Check>,
}

/// The user type of the handler's `CurrentUser<U>` (or `MaybeUser<U>`, `LoginSession<U>`,
/// `Permissions<U>`) parameter, if it has one.
pub(crate) fn user_of_handler(f: &ItemFn) -> Option<Type> {
    f.sig.inputs.iter().find_map(|arg| {
        let FnArg::Typed(t) = arg else { return None };
        let Type::Path(p) = &*t.ty else { return None };
        let last = p.path.segments.last()?;
        if !["CurrentUser", "MaybeUser", "LoginSession", "Permissions"]
            .iter()
            .any(|n| last.ident == n)
        {
            return None;
        }
        let PathArguments::AngleBracketed(args) = &last.arguments else {
            return None;
        };
        match args.args.first()? {
            GenericArgument::Type(t) => Some(t.clone()),
            _ => None,
        }
    })
}

/// The route's `AuthorizeRule` impl on `rule`.
pub(crate) fn authorize_impl(rule: &syn::Ident, auth: &Authorization) -> TokenStream {
    let rt = runtime();
    let pv = private();
    let user = &auth.user;
    // A user type without a permission loader is reported once, where the permission is asked
    // for; the impl is conditional on the loader (a `for<'a>` bound is only checked where the
    // impl is used), so rustc does not repeat the error for each use inside it.
    let (loader_check, loader_bound) = match &auth.permission {
        Some(p) => {
            let user_arg = quote_spanned!(p.first().span()=> #user);
            (
                quote_spanned! {p.first().span()=>
                    #[doc(hidden)]
                    const _: () = #pv::assert_permission_loader::<#user_arg>();
                },
                quote!(where for<'__login> #user: #rt::PermissionLoader),
            )
        }
        None => (quote!(), quote!()),
    };
    let permitted = match &auth.permission {
        Some(p) => {
            let load = quote!(#pv::permissions_of::<#user>(&__user, &__req).await?);
            let test = p.expand();
            quote! {
                let __perms = #load;
                #test
            }
        }
        None => quote!(true),
    };
    let checked = match &auth.check {
        Some(Check(path)) => {
            quote_spanned!(path.span()=> #pv::run_check::<#user, _, _>(&#path, &*__user).await)
        }
        None => quote!(true),
    };
    quote! {
        #loader_check
        #[automatically_derived]
        #[allow(unused_qualifications, unused_variables, unused_lifetimes)]
        impl #pv::AuthorizeRule for #rule #loader_bound {
            type User = #user;
            fn authorize(
                __user: #pv::Rc<#user>,
                __req: #pv::HttpRequest,
            ) -> impl #pv::Future<Output = #pv::Result<bool, #rt::LoaderError>> + 'static {
                async move {
                    let __granted: bool = { #permitted };
                    #pv::Ok(__granted && #checked)
                }
            }
        }
    }
}
