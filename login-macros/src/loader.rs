//! `#[user_loader]`: check the function's shape (`loader_fn`), then implement `UserLoader` for
//! the user type it returns.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::ItemFn;
use syn::spanned::Spanned;

use crate::loader_fn::{self, Kind, LoaderFn, load_body};
use crate::paths::{private, runtime};

pub(crate) fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    loader_fn::expand(Kind::User, args, item, implement)
}

fn implement(f: &ItemFn, loader: &LoaderFn<'_>) -> TokenStream {
    let rt = runtime();
    let pv = private();
    let LoaderFn { user, id, extractors } = loader;
    let Some(id) = id else {
        // `check` gives a user loader its id parameter.
        return quote!(#f);
    };
    // One check of the user type, spanned at the user's own token, and an impl that is
    // conditional on it (a `for<'a>` bound is only checked where the impl is used), so a
    // mistake gives one error. The impl does not depend on the id parameter's type: a wrong one
    // is one error where the id is passed (spanned at that type), and the user still has a
    // loader, so the extractors and the manager add none.
    let user_arg = quote_spanned!(user.span()=> #user);
    let check = quote_spanned! {user.span()=>
        #[doc(hidden)]
        const _: () = #pv::assert_user_loader::<#user_arg>();
    };
    let bounds = quote! {
        for<'__login> #user_arg: #rt::UserMixin,
    };
    let id_arg = quote_spanned! {id.span()=>
        <#id as #pv::IdParam<<#user as #rt::UserMixin>::Id>>::from_user_id(__id)
    };
    let body = load_body(&f.sig.ident, &f.sig.output, Some(id_arg), extractors);
    let impl_span = f.sig.ident.span();
    let impl_header = quote_spanned!(impl_span=> impl #rt::UserLoader for #user);
    quote! {
        #f

        #check

        #[automatically_derived]
        #[allow(unused_qualifications, unused_lifetimes)]
        #impl_header where #bounds {
            fn load_user(
                __id: <#user as #rt::UserMixin>::Id,
                __req: &#pv::HttpRequest,
            ) -> #rt::LocalBoxFuture<'static, #pv::Result<#pv::Option<#user>, #rt::LoaderError>> {
                #body
            }
        }
    }
}
