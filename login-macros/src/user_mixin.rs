//! `#[derive(UserMixin)]`: parse the struct, find the id, active and auth-hash fields, expand
//! to an `impl UserMixin`.

use darling::util::Flag;
use darling::{FromDeriveInput, FromField, ast};
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{DeriveInput, Ident, Type};

use crate::paths::runtime;

#[derive(FromDeriveInput)]
#[darling(attributes(user), supports(struct_named))]
struct UserInput {
    ident: Ident,
    generics: syn::Generics,
    data: ast::Data<(), UserField>,
}

#[derive(FromField)]
#[darling(attributes(user))]
struct UserField {
    ident: Option<Ident>,
    ty: Type,
    id: Flag,
    active: Flag,
    auth_hash: Flag,
}

/// The fields the impl reads.
struct Model<'a> {
    id: &'a UserField,
    active: Option<&'a UserField>,
    auth_hash: Option<&'a UserField>,
}

pub(crate) fn expand(input: TokenStream) -> TokenStream {
    let derive: DeriveInput = match syn::parse2(input) {
        Ok(d) => d,
        Err(e) => return e.into_compile_error(),
    };
    let parsed = match UserInput::from_derive_input(&derive) {
        Ok(p) => p,
        Err(e) => return with_fallback(&derive, e.write_errors()),
    };
    match validate(&parsed) {
        Ok(model) => impl_user_mixin(&parsed, &model),
        Err(e) => with_fallback(&derive, e.write_errors()),
    }
}

fn validate(input: &UserInput) -> darling::Result<Model<'_>> {
    let mut acc = darling::Error::accumulator();
    let fields = match &input.data {
        ast::Data::Struct(fields) => &fields.fields,
        ast::Data::Enum(_) => {
            return Err(darling::Error::custom(
                "`UserMixin` can only be derived for a struct with named fields",
            )
            .with_span(&input.ident));
        }
    };
    let marked = |pick: fn(&UserField) -> &Flag| fields.iter().filter(move |f| pick(f).is_present());

    let explicit_ids: Vec<_> = marked(|f| &f.id).collect();
    for extra in explicit_ids.iter().skip(1) {
        acc.push(
            darling::Error::custom("only one field can be `#[user(id)]`: remove this one or the first")
                .with_span(&extra.id.span()),
        );
    }
    let id = explicit_ids.first().copied().or_else(|| {
        fields
            .iter()
            .find(|f| f.ident.as_ref().is_some_and(|i| i == "id"))
    });
    if id.is_none() {
        acc.push(
            darling::Error::custom(format!(
                "`{}` has no id field: add a field named `id`, or mark the field that identifies the user with `#[user(id)]`",
                input.ident
            ))
            .with_span(&input.ident),
        );
    }

    let single = |acc: &mut darling::error::Accumulator, name: &str, pick: fn(&UserField) -> &Flag| {
        let all: Vec<&UserField> = marked(pick).collect();
        for extra in all.iter().skip(1) {
            acc.push(
                darling::Error::custom(format!("only one field can be `#[user({name})]`"))
                    .with_span(&pick(extra).span()),
            );
        }
        all.first().copied()
    };
    let active = single(&mut acc, "active", |f| &f.active);
    let auth_hash = single(&mut acc, "auth_hash", |f| &f.auth_hash);

    if let Some(active) = active
        && !is_bool(&active.ty)
    {
        acc.push(
            darling::Error::custom(
                "`#[user(active)]` must be on a `bool` field: `is_active` returns it as is",
            )
            .with_span(&active.ty),
        );
    }
    acc.finish()?;
    let Some(id) = id else {
        return Err(darling::Error::custom("no id field").with_span(&input.ident));
    };
    Ok(Model {
        id,
        active,
        auth_hash,
    })
}

fn is_bool(ty: &Type) -> bool {
    matches!(ty, Type::Path(p) if p.qself.is_none() && p.path.is_ident("bool"))
}

fn impl_user_mixin(input: &UserInput, model: &Model<'_>) -> TokenStream {
    let rt = runtime();
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let id_ty = &model.id.ty;
    let id_field = &model.id.ident;
    let id_type = quote_spanned!(id_ty.span()=> type Id = #id_ty;);
    let active = model.active.map(|f| {
        let field = &f.ident;
        quote! {
            fn is_active(&self) -> bool {
                self.#field
            }
        }
    });
    let auth_hash = model.auth_hash.map(|f| {
        let field = &f.ident;
        let ty = &f.ty;
        let as_bytes =
            quote_spanned!(ty.span()=> <#ty as ::core::convert::AsRef<[u8]>>::as_ref(&self.#field));
        quote! {
            fn auth_hash(&self) -> ::core::option::Option<&[u8]> {
                ::core::option::Option::Some(#as_bytes)
            }
        }
    });
    quote! {
        #[automatically_derived]
        #[allow(unused_qualifications)]
        impl #impl_generics #rt::UserMixin for #ident #ty_generics #where_clause {
            #id_type
            fn get_id(&self) -> &#id_ty {
                &self.#id_field
            }
            #active
            #auth_hash
        }
    }
}

/// The errors plus a stand-in impl, so code that uses the type as a user does not pile more
/// errors on top of the real one.
fn with_fallback(derive: &DeriveInput, errors: TokenStream) -> TokenStream {
    let rt = runtime();
    let ident = &derive.ident;
    let (impl_generics, ty_generics, where_clause) = derive.generics.split_for_impl();
    if matches!(derive.data, syn::Data::Union(_)) || !derive.generics.params.is_empty() {
        return errors;
    }
    quote! {
        #errors
        #[automatically_derived]
        impl #impl_generics #rt::UserMixin for #ident #ty_generics #where_clause {
            type Id = ::std::string::String;
            fn get_id(&self) -> &::std::string::String {
                ::core::unreachable!()
            }
        }
    }
}
