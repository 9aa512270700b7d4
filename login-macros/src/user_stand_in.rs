//! The stand-in a rejected `#[derive(UserMixin)]` leaves beside its errors: an impl of
//! `UserMixin` the program never runs (it does not compile), so the loader and the handlers that
//! use the type add no errors of their own.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Data, DeriveInput, Fields, GenericParam, Ident, Type};

use crate::paths::{private, runtime};

/// The errors plus a stand-in impl, so code that uses the type as a user does not pile more
/// errors on top of the real one. Its id has the type of the field that was most likely meant
/// (named `id`, or marked `#[user(id)]` or a bare `#[user]`), so a loader written for it adds
/// no error either. A struct with lifetime parameters only (refused: a user owns its data) gets
/// its stand-in for the `'static` instance, the one a program can name in a handler, with a
/// `String` id if the likely id borrows. Unions and other generic types get no stand-in.
pub(crate) fn with_fallback(derive: &DeriveInput, errors: TokenStream) -> TokenStream {
    let only_lifetimes = derive
        .generics
        .params
        .iter()
        .all(|p| matches!(p, GenericParam::Lifetime(_)))
        && derive.generics.where_clause.is_none();
    if matches!(derive.data, Data::Union(_)) || !only_lifetimes {
        return errors;
    }
    let rt = runtime();
    let pv = private();
    let ident = &derive.ident;
    let statics = derive.generics.lifetimes().map(|_| quote!('static));
    let instance = if derive.generics.params.is_empty() {
        quote!(#ident)
    } else {
        quote!(#ident<#(#statics),*>)
    };
    let (id_ty, get_id) = match likely_id(derive) {
        Some((name, ty)) if !mentions_lifetime(quote!(#ty)) => (quote!(#ty), quote!(&self.#name)),
        _ => (quote!(#pv::String), quote!(&#pv::NO_ID)),
    };
    quote! {
        #errors
        #[automatically_derived]
        #[allow(unused_qualifications, unused_lifetimes)]
        impl #rt::UserMixin for #instance where for<'__login> #id_ty: #pv::UserId {
            type Id = #id_ty;
            fn get_id(&self) -> &Self::Id {
                #get_id
            }
        }
    }
}

/// Whether a type names a lifetime (`&'a str`, `Cow<'a, str>`): the lifetime of a refused
/// struct is not in scope in its stand-in impl.
fn mentions_lifetime(tokens: TokenStream) -> bool {
    tokens.into_iter().any(|t| match t {
        proc_macro2::TokenTree::Punct(p) => p.as_char() == '\'',
        proc_macro2::TokenTree::Group(g) => mentions_lifetime(g.stream()),
        _ => false,
    })
}

/// The field a rejected derive most likely meant as the id.
fn likely_id(derive: &DeriveInput) -> Option<(&Ident, &Type)> {
    let Data::Struct(s) = &derive.data else {
        return None;
    };
    let Fields::Named(named) = &s.fields else {
        return None;
    };
    let marked = |f: &&syn::Field| {
        f.attrs.iter().any(|a| match &a.meta {
            syn::Meta::Path(p) => p.is_ident("user"),
            syn::Meta::List(l) => {
                l.path.is_ident("user") && l.tokens.clone().into_iter().any(|t| t.to_string() == "id")
            }
            syn::Meta::NameValue(_) => false,
        })
    };
    let field = named
        .named
        .iter()
        .find(|f| f.ident.as_ref().is_some_and(|i| i == "id"))
        .or_else(|| named.named.iter().find(marked))?;
    Some((field.ident.as_ref()?, &field.ty))
}
