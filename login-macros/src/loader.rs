//! `#[user_loader]`: check the function's shape, then implement `UserLoader` for the user type
//! it returns.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{FnArg, ItemFn, Type};

use crate::paths::{private, runtime};
use crate::signature::{
    check_async_free_fn, check_extractors_by_value, check_no_body_extractors, check_not_generic, no_args,
    param_types, parse_fn, tidy, user_type,
};

const NAME: &str = "user_loader";

/// A validated loader: the function, its user type, its id type and its extractor types.
struct Model<'a> {
    f: &'a ItemFn,
    user: Type,
    id: &'a Type,
    extractors: Vec<&'a Type>,
}

pub(crate) fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let f = match parse_fn(
        NAME,
        "an `async fn` that takes the user's id and returns `Option<User>`",
        &item,
    ) {
        Ok(f) => f,
        Err(e) => {
            let e = e.write_errors();
            return quote!(#e #item);
        }
    };
    match validate(&args, &f) {
        Ok(model) => expand_model(&model),
        Err(e) => {
            let e = e.write_errors();
            quote!(#e #f)
        }
    }
}

fn validate<'a>(args: &TokenStream, f: &'a ItemFn) -> darling::Result<Model<'a>> {
    let mut acc = darling::Error::accumulator();
    no_args(&mut acc, NAME, args);
    check_async_free_fn(&mut acc, NAME, f);
    check_not_generic(&mut acc, NAME, f);
    let user = user_type(&mut acc, NAME, &f.sig.output);
    let params = param_types(f);
    let is_method = matches!(f.sig.inputs.first(), Some(FnArg::Receiver(_)));
    if params.is_empty() && !is_method {
        acc.push(
            darling::Error::custom(format!(
                "`#[{NAME}]` functions take the user's id as their first parameter: write `async fn {}(id: String)` (with the type of the user's id field)",
                f.sig.ident
            ))
            .with_span(&f.sig.paren_token.span.join()),
        );
    }
    if let Some((id, extractors)) = params.split_first() {
        if let Type::Reference(r) = id {
            let owned = match tidy(&r.elem).as_str() {
                "str" => "String".to_owned(),
                other => other.to_owned(),
            };
            acc.push(
                darling::Error::custom(format!(
                    "the id parameter is taken by value: write `id: {owned}`, not `&{}`",
                    tidy(&r.elem)
                ))
                .with_span(r),
            );
        }
        check_extractors_by_value(&mut acc, extractors);
        check_no_body_extractors(&mut acc, NAME, extractors);
    }
    acc.finish()?;
    match (user, params.split_first()) {
        (Some(user), Some((id, extractors))) => Ok(Model {
            f,
            user,
            id,
            extractors: extractors.to_vec(),
        }),
        _ => Err(
            darling::Error::custom(format!("`#[{NAME}]` needs an id parameter and a user type"))
                .with_span(&f.sig.ident),
        ),
    }
}

fn expand_model(model: &Model<'_>) -> TokenStream {
    let rt = runtime();
    let pv = private();
    let Model { f, user, id, .. } = model;
    let name = &f.sig.ident;
    let extras: Vec<_> = model
        .extractors
        .iter()
        .enumerate()
        .map(|(i, ty)| (format_ident!("__login_arg{}", i), *ty))
        .collect();
    let extract = extras.iter().map(|(var, ty)| {
        quote_spanned! {ty.span()=>
            let #var = <#ty as #pv::LoaderArg>::extract(__req).await?;
        }
    });
    let vars = extras.iter().map(|(var, _)| var);
    // One check, with each type argument spanned at the user's own token (the return type's
    // user, the id parameter's type), and an impl that is conditional on the same bounds (a
    // `for<'a>` bound is only checked where the impl is used), so a mistake gives one error.
    let user_arg = quote_spanned!(user.span()=> #user);
    let id_arg_ty = quote_spanned!(id.span()=> #id);
    let check = quote_spanned! {user.span()=>
        #[doc(hidden)]
        const _: () = #pv::assert_user_loader::<#user_arg, #id_arg_ty>();
    };
    let bounds = quote! {
        for<'__login> #user_arg: #rt::UserMixin,
        for<'__login> #id_arg_ty: #pv::IdParam<<#user as #rt::UserMixin>::Id>,
    };
    let id_arg = quote_spanned! {id.span()=>
        <#id as #pv::IdParam<<#user as #rt::UserMixin>::Id>>::from_user_id(__id)
    };
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
            ) -> #rt::LocalBoxFuture<'_, #pv::Result<#pv::Option<#user>, #rt::LoaderError>> {
                #pv::Box::pin(async move {
                    #(#extract)*
                    #pv::IntoLoadResult::into_load_result(#name(#id_arg, #(#vars),*).await)
                })
            }
        }
    }
}
