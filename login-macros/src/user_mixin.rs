//! `#[derive(UserMixin)]`: parse the struct (shape, then each field's `#[user(...)]` with
//! darling), validate it into a [`Model`] (which field is the id, which is `active`, which is the
//! auth hash), expand to an `impl UserMixin`.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, GenericParam, Ident, Type};

use crate::args::Switch;
use crate::paths::{private, runtime};
use crate::user_fields::{UserField, activity_flag, is_bool, parse_fields};
use crate::user_stand_in::with_fallback;

/// The fields the impl reads.
struct Model<'a> {
    id: &'a UserField,
    active: Option<&'a UserField>,
    auth_hash: Option<&'a UserField>,
    permissions: Option<&'a UserField>,
}

pub(crate) fn expand(input: TokenStream) -> TokenStream {
    let derive: DeriveInput = match syn::parse2(input) {
        Ok(d) => d,
        Err(e) => return e.into_compile_error(),
    };
    let fields = match parse(&derive) {
        Ok(fields) => fields,
        Err(e) => return with_fallback(&derive, e.write_errors()),
    };
    match validate(&derive.ident, &fields) {
        Ok(model) => impl_user_mixin(&derive, &model),
        Err(e) => with_fallback(&derive, e.write_errors()),
    }
}

/// Checks the shape of the type and parses the `#[user(...)]` keys of every field, collecting
/// every error.
fn parse(derive: &DeriveInput) -> darling::Result<Vec<UserField>> {
    let name = &derive.ident;
    let example = format!("`struct {name} {{ id: String, ... }}`");
    let fields = match &derive.data {
        Data::Struct(s) => match &s.fields {
            Fields::Named(named) => named,
            Fields::Unnamed(unnamed) => {
                return Err(darling::Error::custom(format!(
                    "`UserMixin` needs named fields, and `{name}` is a tuple struct: name its fields, as in {example}"
                ))
                .with_span(&unnamed.paren_token.span.join()));
            }
            Fields::Unit => {
                return Err(darling::Error::custom(format!(
                    "`UserMixin` needs a struct with an id field, and `{name}` has no fields: write {example}"
                ))
                .with_span(name));
            }
        },
        Data::Enum(e) => {
            return Err(darling::Error::custom(format!(
                "`UserMixin` can only be derived for a struct with named fields, not for an enum: write {example}, with the variants in a field if needed"
            ))
            .with_span(&e.enum_token));
        }
        Data::Union(u) => {
            return Err(darling::Error::custom(format!(
                "`UserMixin` can only be derived for a struct with named fields, not for a union: write {example}"
            ))
            .with_span(&u.union_token));
        }
    };
    let mut acc = darling::Error::accumulator();
    for attr in derive.attrs.iter().filter(|a| a.path().is_ident("user")) {
        acc.push(
            darling::Error::custom(
                "`#[user(...)]` goes on a field, not on the struct: put `#[user(id)]`, `#[user(active)]`, `#[user(auth_hash)]` or `#[user(permissions)]` on the field it describes (on the struct, only `#[user(crate = \"path\")]` is read)",
            )
            .with_span(attr),
        );
    }
    if let Some(GenericParam::Lifetime(lt)) = derive.generics.params.first() {
        acc.push(
            darling::Error::custom(format!(
                "a user type must own its data, and `{name}<{lt}>` borrows: the loaded user is kept for the whole request, after the loader's own data is gone. Make every field owned (`String` for `&{lt} str`, `Vec<T>` for `&{lt} [T]`) and remove `<{lt}>`",
                lt = lt.lifetime
            ))
            .with_span(&lt.lifetime),
        );
    }
    let parsed = parse_fields(&mut acc, fields);
    acc.finish_with(parsed)
}

/// Picks the id, active and auth-hash fields; every mistake is reported at once.
fn validate<'a>(name: &Ident, fields: &'a [UserField]) -> darling::Result<Model<'a>> {
    let mut acc = darling::Error::accumulator();
    let mut single = |key: &str, pick: fn(&UserField) -> &Switch| {
        let marked: Vec<&UserField> = fields.iter().filter(|f| pick(f).is_present()).collect();
        if let [first, rest @ ..] = marked.as_slice() {
            for extra in rest {
                acc.push(
                    darling::Error::custom(format!(
                        "only one field can be `#[user({key})]`, and `{}` already is: remove this one",
                        display_ident(first)
                    ))
                    .with_span(&pick(extra).span()),
                );
            }
        }
        marked.first().copied()
    };
    let explicit_id = single("id", |f| &f.id);
    let marked_active = single("active", |f| &f.active);
    let auth_hash = single("auth_hash", |f| &f.auth_hash);
    let permissions = single("permissions", |f| &f.permissions);
    // Like `id`, a `bool` field named `active` or `is_active` is picked up without a mark, so
    // a deactivated user cannot log in because the mark was forgotten.
    let active = activity_flag(&mut acc, marked_active, fields);
    let id = explicit_id.or_else(|| {
        fields
            .iter()
            .find(|f| !f.skip.is_present() && f.ident.as_ref().is_some_and(|i| i == "id"))
    });
    if id.is_none() {
        acc.push(
            darling::Error::custom(format!(
                "`{name}` has no id field: add a field named `id`, or mark the field that identifies the user with `#[user(id)]`"
            ))
            .with_span(name),
        );
    }
    if let Some(id) = id
        && let Type::Path(p) = &id.ty
        && p.path
            .segments
            .last()
            .is_some_and(|s| s.ident == "f32" || s.ident == "f64")
    {
        acc.push(
            darling::Error::custom(format!(
                "`{}` is a floating-point number, which cannot be a user id: floats do not compare reliably (`NaN` never equals itself, and `0.0` equals `-0.0`). Use an integer, a `String` or a UUID",
                display_ident(id)
            ))
            .with_span(&id.ty),
        );
    }
    if let Some(active) = active
        && !is_bool(&active.ty)
    {
        acc.push(
            darling::Error::custom(format!(
                "`#[user(active)]` must be on a `bool` field (`is_active` returns it), and `{}` is not a `bool`: compute the flag in a `bool` field, or implement `UserMixin::is_active` by hand",
                display_ident(active)
            ))
            .with_span(&active.ty),
        );
    }
    acc.finish()?;
    match id {
        Some(id) => Ok(Model {
            id,
            active,
            auth_hash,
            permissions,
        }),
        None => Err(darling::Error::custom("no id field").with_span(name)),
    }
}

fn display_ident(field: &UserField) -> String {
    field.name()
}

fn impl_user_mixin(derive: &DeriveInput, model: &Model<'_>) -> TokenStream {
    let rt = runtime();
    let pv = private();
    let ident = &derive.ident;
    let (impl_generics, ty_generics, where_clause) = derive.generics.split_for_impl();
    let id_ty = &model.id.ty;
    let id_field = &model.id.ident;
    // For a non-generic user, check the id type with our own message (spanned at the field's
    // type), and make the impl conditional on it so rustc does not repeat the error in its own
    // words. A `for<'a>` bound is not checked where it is written, only where the impl is used.
    let id_check = if derive.generics.params.is_empty() {
        Some(quote_spanned! {id_ty.span()=>
            #[doc(hidden)]
            const _: () = #pv::assert_user_id::<#id_ty>();
        })
    } else {
        None
    };
    let id_bound = id_check.as_ref().map(|_| {
        let clause = quote_spanned!(id_ty.span()=> for<'__login> #id_ty: #pv::UserId);
        match where_clause {
            Some(w) if !w.predicates.is_empty() => quote!(, #clause),
            _ => quote!(where #clause),
        }
    });
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
        let bytes = quote_spanned!(ty.span()=> <#ty as #pv::AuthHashField>::auth_hash_bytes(&self.#field));
        quote! {
            fn auth_hash(&self) -> #pv::Option<&[u8]> {
                #pv::Some(#bytes)
            }
        }
    });
    let permissions = model.permissions.map(|f| own_permissions(derive, f));
    quote! {
        #id_check
        #permissions

        #[automatically_derived]
        #[allow(unused_qualifications, unused_lifetimes)]
        impl #impl_generics #rt::UserMixin for #ident #ty_generics #where_clause #id_bound {
            type Id = #id_ty;
            fn get_id(&self) -> &Self::Id {
                &self.#id_field
            }
            #active
            #auth_hash
        }
    }
}

/// For a field marked `#[user(permissions)]`: the user is its own permission loader, and the
/// loaded permissions are the loaded user itself (`OwnPermissions`), so nothing is copied.
fn own_permissions(derive: &DeriveInput, field: &UserField) -> TokenStream {
    let rt = runtime();
    let pv = private();
    let ident = &derive.ident;
    let (impl_generics, ty_generics, where_clause) = derive.generics.split_for_impl();
    let name = &field.ident;
    let ty = &field.ty;
    quote! {
        #[automatically_derived]
        impl #impl_generics #rt::PermissionField for #ident #ty_generics #where_clause {
            type Field = #ty;
            fn permission_field(&self) -> &#ty {
                &self.#name
            }
        }
        #[automatically_derived]
        impl #impl_generics #rt::PermissionLoader for #ident #ty_generics #where_clause {
            type Permissions = #rt::OwnPermissions<Self>;
            fn load_permissions(
                __user: #pv::Rc<Self>,
                _: #pv::HttpRequest,
            ) -> #rt::LocalBoxFuture<'static, #pv::Result<#rt::OwnPermissions<Self>, #rt::LoaderError>> {
                #pv::Box::pin(#pv::ready(#pv::Ok(#rt::OwnPermissions(__user))))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use syn::parse_quote;

    fn errors(input: syn::DeriveInput) -> Vec<String> {
        let fields = match super::parse(&input) {
            Ok(fields) => fields,
            Err(e) => return e.into_iter().map(|e| e.to_string()).collect(),
        };
        match super::validate(&input.ident, &fields) {
            Ok(_) => Vec::new(),
            Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
        }
    }

    #[test]
    fn the_id_defaults_to_the_field_named_id() {
        assert!(
            errors(parse_quote!(
                struct User {
                    id: u64,
                    name: String,
                }
            ))
            .is_empty()
        );
        assert!(
            errors(parse_quote!(
                struct User {
                    #[user(id)]
                    email: String,
                    #[user(active)]
                    on: bool,
                }
            ))
            .is_empty()
        );
    }

    #[test]
    fn every_field_mistake_is_reported_at_once() {
        let all = errors(parse_quote! {
            struct User {
                #[user(id)] a: String,
                #[user(id)] b: String,
                #[user(active)] c: u8,
                #[user(atcive)] d: bool,
            }
        });
        assert_eq!(all.len(), 1, "unknown keys stop before validation: {all:?}");
        assert!(all[0].contains("Did you mean `active`?"), "{all:?}");
        let all = errors(parse_quote! {
            struct User {
                #[user(id)] a: String,
                #[user(id)] b: String,
                #[user(active)] c: u8,
            }
        });
        assert_eq!(all.len(), 2, "{all:?}");
    }

    #[test]
    fn the_activity_flag_is_never_guessed() {
        let one = |input| errors(input).join("\n");
        let all = one(parse_quote!(
            struct User {
                id: u64,
                is_active: Option<bool>,
            }
        ));
        assert!(
            all.contains("only when it is a `bool`") && all.contains("#[user(skip)]"),
            "{all}"
        );
        let all = one(parse_quote!(
            struct User {
                id: u64,
                active: bool,
                is_active: bool,
            }
        ));
        assert!(all.contains("both look like the activity flag"), "{all}");
        let all = one(parse_quote!(
            struct User {
                id: u64,
                #[user]
                enabled: bool,
            }
        ));
        assert!(all.contains("write `#[user(active)]` if `enabled`"), "{all}");
        let all = one(parse_quote!(
            struct User {
                id: u64,
                #[user(is_active, skip)]
                active: bool,
            }
        ));
        assert!(all.contains("the key is `active`"), "{all}");
        // Marked, or skipped: no guess to refuse.
        assert!(
            errors(parse_quote!(
                struct User {
                    id: u64,
                    #[user(active)]
                    enabled: bool,
                    #[user(skip)]
                    is_active: Option<bool>,
                }
            ))
            .is_empty()
        );
    }

    #[test]
    fn a_user_type_that_borrows_is_refused() {
        let all = errors(parse_quote!(
            struct User<'a> {
                id: u64,
                name: &'a str,
            }
        ));
        assert!(all.iter().any(|e| e.contains("must own its data")), "{all:?}");
    }

    #[test]
    fn struct_level_keys_are_pointed_at_the_fields() {
        let all = errors(parse_quote!(
            #[user(id = "email")]
            struct User {
                email: String,
            }
        ));
        assert!(
            all.iter()
                .any(|e| e.contains("goes on a field, not on the struct")),
            "{all:?}"
        );
    }
}
