//! `#[request_loader]`: turn an `async fn(extractors...) -> Option<User>` into a unit struct of
//! the same name that implements `RequestLoader`, like actix-web's `#[get]` turns a handler into
//! a service.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{ItemFn, Type};

use crate::loader::{Errors, check_signature, no_args, param_types, user_type};
use crate::paths::{private, runtime};

pub(crate) fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let f: ItemFn = match syn::parse2(item.clone()) {
        Ok(f) => f,
        Err(_) => {
            let err = syn::Error::new_spanned(
                &item,
                "`#[request_loader]` goes on an `async fn` whose parameters are extractors (such as `HttpRequest`) and that returns `Option<User>`",
            )
            .into_compile_error();
            return quote!(#err #item);
        }
    };
    let mut errors = Errors::default();
    no_args(&mut errors, "request_loader", &args);
    check_signature(&mut errors, "request_loader", &f);
    let user = user_type(&mut errors, "request_loader", &f.sig.output);
    let params = param_types(&f);
    for ty in &params {
        if let Type::Reference(r) = ty {
            errors.push(
                r,
                "request loader parameters are extractors taken by value: write `req: HttpRequest`, not `&HttpRequest`",
            );
        }
    }
    if let Err(e) = errors.finish() {
        let e = e.into_compile_error();
        return quote!(#e #f);
    }
    let Some(user) = user else { return quote!(#f) };
    let rt = runtime();
    let pv = private();
    let name = &f.sig.ident;
    let vis = &f.vis;
    let docs = f.attrs.iter().filter(|a| a.path().is_ident("doc"));
    let vars: Vec<_> = (0..params.len())
        .map(|i| format_ident!("__login_arg{}", i))
        .collect();
    let extract = params.iter().zip(&vars).map(|(ty, var)| {
        quote_spanned! {ty.span()=>
            let #var = #pv::extract::<#ty>(__req).await?;
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
                #f
                #pv::Box::pin(async move {
                    #(#extract)*
                    #pv::IntoLoadResult::into_load_result(#name(#(#vars),*).await)
                })
            }
        }
    }
}
