//! `#[permission_loader]`: `async fn(user: &User, extractors...) -> Perms` (or
//! `Result<Perms, E>`) becomes `User`'s `PermissionLoader`, called at most once per request by
//! routes that check a permission.

use darling::error::Accumulator;
use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{FnArg, ItemFn, ReturnType, Type};

use crate::loader_fn::{
    Kind, check_extractors_by_value, check_no_body_extractors, check_not_generic, no_args, param_types,
};
use crate::loader_return::result_ok;
use crate::paths::{private, runtime};
use crate::signature::{check_async_free_fn, expand_fn, tidy};

const NAME: &str = "permission_loader";

pub(crate) fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    expand_fn(
        NAME,
        "an `async fn` that takes `&User` and returns the user's permissions",
        item,
        |f| {
            let (user, set) = check(&args, f).map_err(|e| (e, quote!(#f)))?;
            Ok(implement(f, &user, &set))
        },
    )
}

/// Checks the function; returns the user type and the permission set type.
fn check(args: &TokenStream, f: &ItemFn) -> darling::Result<(Type, Type)> {
    let mut acc = darling::Error::accumulator();
    no_args(&mut acc, NAME, args);
    check_async_free_fn(&mut acc, NAME, f);
    check_not_generic(&mut acc, NAME, f);
    let params = param_types(f);
    let user = user_param(&mut acc, f, params.first().copied());
    let extractors = params.get(1..).unwrap_or_default();
    check_extractors_by_value(&mut acc, extractors);
    check_no_body_extractors(&mut acc, Kind::Permission, extractors);
    let set = set_type(&mut acc, &f.sig.output);
    acc.finish()?;
    match (user, set) {
        (Some(user), Some(set)) => Ok((user, set)),
        // Unreachable: the checks above reported why.
        _ => Err(
            darling::Error::custom("`#[permission_loader]` needs `&User` and a return type")
                .with_span(&f.sig.ident),
        ),
    }
}

/// The `User` of the first parameter, `user: &User`.
fn user_param(acc: &mut Accumulator, f: &ItemFn, first: Option<&Type>) -> Option<Type> {
    if matches!(f.sig.inputs.first(), Some(FnArg::Receiver(_))) {
        return None; // a method is already refused, with the fix
    }
    match first {
        Some(Type::Reference(r)) if r.mutability.is_none() => Some((*r.elem).clone()),
        Some(Type::Reference(r)) => {
            acc.push(
                darling::Error::custom(format!(
                    "the user is lent, not lent mutably: write `user: &{}`",
                    tidy(&r.elem)
                ))
                .with_span(r),
            );
            None
        }
        Some(other) => {
            acc.push(
                darling::Error::custom(format!(
                    "a `#[permission_loader]` takes the logged-in user by reference first: write `user: &{}`",
                    tidy(other)
                ))
                .with_span(other),
            );
            None
        }
        None => {
            acc.push(
                darling::Error::custom(format!(
                    "a `#[permission_loader]` takes the logged-in user first: write `async fn {}(user: &User)`",
                    f.sig.ident
                ))
                .with_span(&f.sig.paren_token.span.join()),
            );
            None
        }
    }
}

/// The permission set type: `S` in `-> S` or `-> Result<S, E>`.
fn set_type(acc: &mut Accumulator, output: &ReturnType) -> Option<Type> {
    match output {
        ReturnType::Type(_, ty) => Some(result_ok(ty).unwrap_or(ty).clone()),
        ReturnType::Default => {
            acc.push(
                darling::Error::custom(
                    "a `#[permission_loader]` returns the user's permissions: add `-> HashSet<Perm>` (or `Vec<String>`, or `Result<_, E>` of either)",
                )
                .with_span(output),
            );
            None
        }
    }
}

fn implement(f: &ItemFn, user: &Type, set: &Type) -> TokenStream {
    let rt = runtime();
    let pv = private();
    let name = &f.sig.ident;
    let extractors = param_types(f).into_iter().skip(1).collect::<Vec<_>>();
    let vars: Vec<_> = (0..extractors.len())
        .map(|i| format_ident!("__login_arg{}", i))
        .collect();
    let extract = extractors.iter().zip(&vars).map(|(ty, var)| {
        quote_spanned! {ty.span()=>
            let #var = <#ty as #pv::LoaderArg>::extract(&__req).await?;
        }
    });
    let impl_header = quote_spanned!(name.span()=> impl #rt::PermissionLoader for #user);
    quote! {
        #f

        #[automatically_derived]
        #[allow(unused_qualifications)]
        #impl_header {
            type Permissions = #set;

            fn load_permissions(
                __user: #pv::Rc<#user>,
                __req: #pv::HttpRequest,
            ) -> #rt::LocalBoxFuture<'static, #pv::Result<#set, #rt::LoaderError>> {
                #pv::Box::pin(async move {
                    #(#extract)*
                    #pv::IntoPermissions::<#set>::into_permissions(#name(&*__user, #(#vars),*).await)
                })
            }
        }
    }
}
