//! The user type a guarded handler's extractors name, checked at that type. Without this, a
//! `CurrentUser<T>` whose `T` is not a user is reported by actix-web's `Handler` bound, spanned
//! at the route attribute (`#[get(..)]`); with it, the first error is at `T`, with the fix.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{FnArg, GenericArgument, ItemFn, PathArguments, Type};

use crate::paths::private;

/// The extractors that take the user type and do not bound it themselves. (`LoginSession<U>` and
/// `Permissions<U>` carry the bound on the struct, so rustc already reports a wrong `U` at the
/// type; a check here would only repeat it.)
const USER_EXTRACTORS: [&str; 2] = ["CurrentUser", "MaybeUser"];

/// One check per extractor parameter naming a user type: an `Option<..>` in place of the user
/// is our error with the `MaybeUser` fix; any other type must implement `UserMixin`, asserted
/// at the type. Nothing for a generic handler (a route handler never is one).
pub(crate) fn user_type_checks(f: &ItemFn) -> TokenStream {
    if !f.sig.generics.params.is_empty() {
        return TokenStream::new();
    }
    let pv = private();
    f.sig
        .inputs
        .iter()
        .filter_map(|arg| {
            let FnArg::Typed(t) = arg else { return None };
            let (extractor, user) = user_argument(&t.ty)?;
            Some(match option_inner(user) {
                Some(inner) => {
                    let inner = quote!(#inner).to_string().replace(' ', "");
                    let message = if extractor == "CurrentUser" {
                        format!(
                            "`CurrentUser<Option<{inner}>>` is not a user: `CurrentUser` always holds a logged-in user. For a handler that also serves anonymous visitors, take `MaybeUser<{inner}>` (or `Option<CurrentUser<{inner}>>`)"
                        )
                    } else {
                        format!("`{extractor}` takes the user type itself: write `{extractor}<{inner}>`")
                    };
                    quote_spanned!(user.span()=> ::core::compile_error!(#message);)
                }
                None => quote_spanned! {user.span()=>
                    #[doc(hidden)]
                    const _: () = #pv::assert_handler_user::<#user>();
                },
            })
        })
        .collect()
}

/// `CurrentUser` and `User` of a parameter typed `CurrentUser<User>` (or another user extractor).
fn user_argument(ty: &Type) -> Option<(String, &Type)> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    let name = last.ident.to_string();
    if !USER_EXTRACTORS.contains(&name.as_str()) {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        GenericArgument::Type(t) => Some((name, t)),
        _ => None,
    }
}

/// `T` of a type written `Option<T>`.
fn option_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        GenericArgument::Type(t) => Some(t),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use syn::parse_quote;

    #[test]
    fn each_user_extractor_is_checked_and_an_option_is_our_error() {
        let f: syn::ItemFn = parse_quote! {
            async fn h(a: CurrentUser<User>, b: login_runtime::MaybeUser<Db>, c: web::Data<Db>, d: CurrentUser<Option<User>>, e: LoginSession<Db>) {}
        };
        let out = super::user_type_checks(&f).to_string();
        assert_eq!(
            out.matches("assert_handler_user").count(),
            2,
            "{out}: not for `LoginSession`, which bounds its own"
        );
        assert!(out.contains("take `MaybeUser<User>`"), "{out}");
    }

    #[test]
    fn a_generic_handler_gets_no_check() {
        let f: syn::ItemFn = parse_quote! {
            async fn h<T>(a: CurrentUser<T>) {}
        };
        assert!(super::user_type_checks(&f).is_empty());
    }
}
