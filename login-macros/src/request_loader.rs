//! `#[request_loader]`: check the function's shape (`loader_fn`), then turn the
//! `async fn(extractors...) -> Option<User>` into a struct of the same name that implements
//! `RequestLoader`, and a constant of that name to register, like actix-web's `#[get]` turns a
//! handler into a service.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::ItemFn;

use crate::loader_fn::{self, Kind, LoaderFn, load_body};
use crate::paths::{private, runtime};

pub(crate) fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    loader_fn::expand(Kind::Request, args, item, implement)
}

fn implement(f: &ItemFn, loader: &LoaderFn<'_>) -> TokenStream {
    let rt = runtime();
    let pv = private();
    let LoaderFn { user, extractors, .. } = loader;
    let name = &f.sig.ident;
    let vis = &f.vis;
    let docs: Vec<_> = f.attrs.iter().filter(|a| a.path().is_ident("doc")).collect();
    // The function moves inside the trait method, where a `pub` would be meaningless.
    let mut inner = f.clone();
    inner.vis = syn::Visibility::Inherited;
    let body = load_body(name, &f.sig.output, None, extractors);
    // The value registered with the builder. A request loader that is never registered would
    // never be asked, so in a binary that is an error ("constant is never used"), not a silent
    // no-op (rustc reports no unit struct with trait impls as unused). Spanned at the
    // function's name: rustc reports no unused item whose span is another crate's macro's.
    let registered = quote_spanned! {name.span()=>
        #(#docs)*
        #[deny(dead_code)]
        #[allow(non_upper_case_globals, missing_docs)]
        #vis const #name: #name = #name {};
    };
    quote! {
        #(#docs)*
        #[allow(non_camel_case_types, missing_docs, dead_code)]
        #[derive(Clone, Copy, Debug, Default)]
        #vis struct #name {}

        #registered

        #[automatically_derived]
        #[allow(unused_qualifications)]
        impl #rt::RequestLoader for #name {
            type User = #user;

            fn load_from_request<'__login>(
                &'__login self,
                __req: &'__login #pv::HttpRequest,
            ) -> #rt::LocalBoxFuture<'__login, #pv::Result<#pv::Option<#user>, #rt::LoaderError>> {
                #inner
                #body
            }
        }
    }
}
