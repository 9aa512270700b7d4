//! `#[request_loader]`: turn an `async fn(extractors...) -> Option<User>` into a unit struct of
//! the same name that implements `RequestLoader`, like actix-web's `#[get]` turns a handler into
//! a service.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use crate::paths::{private, runtime};
use crate::signature::{
    check_async_free_fn, check_extractors_by_value, check_no_body_extractors, check_not_generic, no_args,
    param_types, parse_fn, user_type,
};

const NAME: &str = "request_loader";

pub(crate) fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let f = match parse_fn(
        NAME,
        "an `async fn` whose parameters are extractors (such as `req: HttpRequest`) and that returns `Option<User>`",
        &item,
    ) {
        Ok(f) => f,
        Err(e) => {
            let e = e.write_errors();
            return quote!(#e #item);
        }
    };
    let mut acc = darling::Error::accumulator();
    no_args(&mut acc, NAME, &args);
    check_async_free_fn(&mut acc, NAME, &f);
    check_not_generic(&mut acc, NAME, &f);
    let user = user_type(&mut acc, NAME, &f.sig.output);
    let params = param_types(&f);
    check_extractors_by_value(&mut acc, &params);
    check_no_body_extractors(&mut acc, NAME, &params);
    if let Err(e) = acc.finish() {
        let e = e.write_errors();
        return quote!(#e #f);
    }
    let Some(user) = user else { return quote!(#f) };
    let rt = runtime();
    let pv = private();
    let name = &f.sig.ident;
    let vis = &f.vis;
    let docs = f.attrs.iter().filter(|a| a.path().is_ident("doc"));
    // The function moves inside the trait method, where a `pub` would be meaningless.
    let mut inner = f.clone();
    inner.vis = syn::Visibility::Inherited;
    let vars: Vec<_> = (0..params.len())
        .map(|i| format_ident!("__login_arg{}", i))
        .collect();
    let extract = params.iter().zip(&vars).map(|(ty, var)| {
        quote_spanned! {ty.span()=>
            let #var = <#ty as #pv::LoaderArg>::extract(__req).await?;
        }
    });
    quote! {
        #(#docs)*
        #[allow(non_camel_case_types, missing_docs)]
        #[derive(Clone, Copy, Debug, Default)]
        #vis struct #name;

        #[automatically_derived]
        #[allow(unused_qualifications)]
        impl #rt::RequestLoader for #name {
            type User = #user;

            fn load_from_request<'__login>(
                &'__login self,
                __req: &'__login #pv::HttpRequest,
            ) -> #rt::LocalBoxFuture<'__login, #pv::Result<#pv::Option<#user>, #rt::LoaderError>> {
                #inner
                #pv::Box::pin(async move {
                    #(#extract)*
                    #pv::IntoLoadResult::into_load_result(#name(#(#vars),*).await)
                })
            }
        }
    }
}
