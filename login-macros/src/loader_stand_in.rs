//! What a rejected `#[user_loader]` or `#[request_loader]` leaves beside its error: a stand-in
//! impl of its trait, so the rest of the program type-checks and one mistake is one error.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{FnArg, GenericArgument, ItemFn, PathArguments, ReturnType, Type};

use crate::loader_fn::Kind;
use crate::loader_return::{option_inner, result_ok};
use crate::paths::{private, runtime};

/// What a rejected loader leaves in place of its impl, beside the error: an impl whose loader
/// finds nobody, for the user type the function names (`User` in `-> User`, `-> &User`,
/// `-> Option<User>`, `-> Result<User, E>`), so the extractors, the manager and the request
/// loader's registration still type-check and the one mistake gives one error. Never reached:
/// the program does not compile.
pub(crate) fn stand_in(kind: Kind, f: &ItemFn) -> TokenStream {
    // A method gets none: an impl cannot stand inside an `impl` block.
    let is_method = matches!(f.sig.inputs.first(), Some(FnArg::Receiver(_)));
    let (ReturnType::Type(_, ty), false) = (&f.sig.output, is_method) else {
        return quote!(#f);
    };
    let mut user: &Type = ty;
    if let Some(ok) = result_ok(user) {
        user = ok;
    }
    if let Some(inner) = option_inner(user) {
        user = inner;
    }
    if let Type::Reference(r) = user {
        user = &r.elem;
    }
    // A foreign type gets no impl: rustc would refuse it (E0117) beside our error.
    if !matches!(user, Type::Path(p) if p.qself.is_none()) || crate::foreign_types::never_a_user(user) {
        return quote!(#f);
    }
    let rt = runtime();
    let pv = private();
    let nobody = quote!(#pv::Box::pin(#pv::ready(#pv::Ok(#pv::None))));
    // A user returned by reference is already reported; with `'static` its elided lifetime
    // adds no rustc error (with suggestions that do not fit) on top.
    let mut f = f.clone();
    if let ReturnType::Type(_, ty) = &mut f.sig.output {
        static_refs(ty);
    }
    let f = &f;
    match kind {
        Kind::User => quote! {
            #f

            #[automatically_derived]
            #[allow(unused_qualifications, unused_lifetimes)]
            impl #rt::UserLoader for #user where for<'__login> #user: #rt::UserMixin {
                fn load_user(
                    _: <#user as #rt::UserMixin>::Id,
                    _: &#pv::HttpRequest,
                ) -> #rt::LocalBoxFuture<'static, #pv::Result<#pv::Option<#user>, #rt::LoaderError>> {
                    #nobody
                }
            }
        },
        Kind::Request => {
            let name = &f.sig.ident;
            let vis = &f.vis;
            let mut inner = f.clone();
            inner.vis = syn::Visibility::Inherited;
            quote! {
                #[allow(non_camel_case_types, missing_docs, dead_code)]
                #[derive(Clone, Copy, Debug, Default)]
                #vis struct #name {}
                #[allow(non_upper_case_globals, missing_docs, dead_code)]
                #vis const #name: #name = #name {};

                #[automatically_derived]
                #[allow(unused_qualifications, unused_lifetimes)]
                impl #rt::RequestLoader for #name where for<'__login> #user: #rt::UserMixin {
                    type User = #user;
                    fn load_from_request<'__login>(
                        &'__login self,
                        _: &'__login #pv::HttpRequest,
                    ) -> #rt::LocalBoxFuture<'__login, #pv::Result<#pv::Option<#user>, #rt::LoaderError>> {
                        #[allow(dead_code)]
                        #inner
                        #nobody
                    }
                }
            }
        }
        Kind::Permission => quote!(#f),
    }
}

/// Gives every reference without a lifetime in a return type `'static`.
fn static_refs(ty: &mut Type) {
    match ty {
        Type::Reference(r) => {
            r.lifetime
                .get_or_insert_with(|| syn::Lifetime::new("'static", r.and_token.span));
            static_refs(&mut r.elem);
        }
        Type::Path(p) => {
            for segment in &mut p.path.segments {
                if let PathArguments::AngleBracketed(args) = &mut segment.arguments {
                    for arg in &mut args.args {
                        if let GenericArgument::Type(t) = arg {
                            static_refs(t);
                        }
                    }
                }
            }
        }
        _ => {}
    }
}
