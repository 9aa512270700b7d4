//! `#[user_loader]`: check the function's shape, then implement `UserLoader` for the user type
//! it returns.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{FnArg, GenericArgument, ItemFn, PathArguments, ReturnType, Type};

use crate::paths::{private, runtime};

/// Collects `syn` errors and reports them all at once.
#[derive(Default)]
pub(crate) struct Errors(Option<syn::Error>);

impl Errors {
    pub(crate) fn push(&mut self, span: impl Spanned, message: impl std::fmt::Display) {
        let err = syn::Error::new(span.span(), message);
        match &mut self.0 {
            Some(all) => all.combine(err),
            None => self.0 = Some(err),
        }
    }
    pub(crate) fn push_at(&mut self, span: Span, message: impl std::fmt::Display) {
        let err = syn::Error::new(span, message);
        match &mut self.0 {
            Some(all) => all.combine(err),
            None => self.0 = Some(err),
        }
    }
    pub(crate) fn finish(self) -> Result<(), syn::Error> {
        self.0.map_or(Ok(()), Err)
    }
}

/// Rejects arguments on a macro that takes none.
pub(crate) fn no_args(errors: &mut Errors, macro_name: &str, args: &TokenStream) {
    if !args.is_empty() {
        errors.push(
            args,
            format!("`#[{macro_name}]` takes no arguments: remove `({args})`"),
        );
    }
}

/// The checks every loader function shares: async, no generics, no `self`.
pub(crate) fn check_signature(errors: &mut Errors, macro_name: &str, f: &ItemFn) {
    if f.sig.asyncness.is_none() {
        errors.push(
            f.sig.fn_token,
            format!(
                "`#[{macro_name}]` functions must be `async`: write `async fn {}`",
                f.sig.ident
            ),
        );
    }
    if !f.sig.generics.params.is_empty() || f.sig.generics.where_clause.is_some() {
        errors.push(
            &f.sig.generics,
            format!("`#[{macro_name}]` functions cannot be generic: name the concrete user type and extractor types"),
        );
    }
    if let Some(FnArg::Receiver(recv)) = f.sig.inputs.first() {
        errors.push(
            recv,
            format!("`#[{macro_name}]` goes on a free function, not a method: remove `self`"),
        );
    }
    if let Some(variadic) = &f.sig.variadic {
        errors.push(
            variadic,
            format!("`#[{macro_name}]` functions cannot be variadic"),
        );
    }
}

/// The `U` of a `-> Option<U>` or `-> Result<Option<U>, E>` return type.
pub(crate) fn user_type(errors: &mut Errors, macro_name: &str, output: &ReturnType) -> Option<Type> {
    let found = match output {
        ReturnType::Type(_, ty) => option_inner(ty).or_else(|| result_ok(ty).and_then(option_inner)),
        ReturnType::Default => None,
    };
    if found.is_none() {
        let message = format!(
            "`#[{macro_name}]` functions must return `Option<User>` or `Result<Option<User>, E>`: `None` means no such user"
        );
        match output {
            ReturnType::Type(_, ty) => errors.push(ty, message),
            ReturnType::Default => errors.push(output, message),
        }
    }
    found.cloned()
}

fn generic_args<'a>(ty: &'a Type, name: &str) -> Option<Vec<&'a Type>> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    Some(
        args.args
            .iter()
            .filter_map(|a| match a {
                GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect(),
    )
}

fn option_inner(ty: &Type) -> Option<&Type> {
    match generic_args(ty, "Option")?.as_slice() {
        [inner] => Some(inner),
        _ => None,
    }
}

fn result_ok(ty: &Type) -> Option<&Type> {
    match generic_args(ty, "Result")?.as_slice() {
        [ok, _] => Some(ok),
        _ => None,
    }
}

/// The parameter types of `f`, in order (receivers skipped).
pub(crate) fn param_types(f: &ItemFn) -> Vec<&Type> {
    f.sig
        .inputs
        .iter()
        .filter_map(|arg| match arg {
            FnArg::Typed(t) => Some(&*t.ty),
            FnArg::Receiver(_) => None,
        })
        .collect()
}

pub(crate) fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let f: ItemFn = match syn::parse2(item.clone()) {
        Ok(f) => f,
        Err(_) => {
            let err = syn::Error::new_spanned(
                &item,
                "`#[user_loader]` goes on an `async fn` that takes the user's id and returns `Option<User>`",
            );
            let err = err.into_compile_error();
            return quote!(#err #item);
        }
    };
    let mut errors = Errors::default();
    no_args(&mut errors, "user_loader", &args);
    check_signature(&mut errors, "user_loader", &f);
    let user = user_type(&mut errors, "user_loader", &f.sig.output);
    let params = param_types(&f);
    if params.is_empty() && !matches!(f.sig.inputs.first(), Some(FnArg::Receiver(_))) {
        errors.push_at(
            f.sig.paren_token.span.join(),
            "`#[user_loader]` functions take the user's id as their first parameter, for example `id: String`",
        );
    }
    if let Err(e) = errors.finish() {
        let e = e.into_compile_error();
        return quote!(#e #f);
    }
    let Some(user) = user else { return quote!(#f) };
    let rt = runtime();
    let pv = private();
    let name = &f.sig.ident;
    let id_ty = params[0];
    let extras: Vec<_> = params[1..]
        .iter()
        .enumerate()
        .map(|(i, ty)| (format_ident!("__login_arg{}", i), *ty))
        .collect();
    let extract = extras.iter().map(|(var, ty)| {
        quote_spanned! {ty.span()=>
            let #var = #pv::extract::<#ty>(__req).await?;
        }
    });
    let vars = extras.iter().map(|(var, _)| var);
    let id_check = quote_spanned! {id_ty.span()=>
        const _: () = #pv::assert_id_type::<#user, #id_ty>();
    };
    quote! {
        #f

        #[automatically_derived]
        #[allow(unused_qualifications)]
        impl #rt::UserLoader for #user {
            fn load_user(
                __id: <#user as #rt::UserMixin>::Id,
                __req: &#pv::HttpRequest,
            ) -> #rt::LocalBoxFuture<'_, #pv::Result<#pv::Option<#user>, #rt::LoaderError>> {
                #pv::Box::pin(async move {
                    #(#extract)*
                    #pv::IntoLoadResult::into_load_result(#name(__id, #(#vars),*).await)
                })
            }
        }

        #id_check
    }
}
