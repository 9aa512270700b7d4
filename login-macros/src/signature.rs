//! Checks on the function an attribute macro is given, shared by all of them.

use darling::error::Accumulator;
use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::spanned::Spanned;
use syn::{FnArg, GenericArgument, ItemFn, PathArguments, ReturnType, Type};

/// Tokens as a person would write them: `&self`, `Result<User, E>`, not `& self`.
pub(crate) fn tidy(tokens: &impl ToTokens) -> String {
    let mut s = tokens.to_token_stream().to_string();
    for (from, to) in [
        (" :: ", "::"),
        (":: ", "::"),
        ("< ", "<"),
        (" <", "<"),
        (" >", ">"),
        ("& ", "&"),
        (" ,", ","),
        (" : ", ": "),
        ("' ", "'"),
    ] {
        s = s.replace(from, to);
    }
    s
}

/// Parses the item as a function. Anything else is reported at its first token with `wanted`
/// ("an `async fn` request handler"); the caller emits the item unchanged next to the error.
pub(crate) fn parse_fn(macro_name: &str, wanted: &str, item: &TokenStream) -> darling::Result<ItemFn> {
    if let Ok(f) = syn::parse2::<ItemFn>(item.clone()) {
        return Ok(f);
    }
    let (what, span) = match syn::parse2::<syn::Item>(item.clone()) {
        Ok(syn::Item::Struct(s)) => ("a struct", s.struct_token.span()),
        Ok(syn::Item::Enum(e)) => ("an enum", e.enum_token.span()),
        Ok(syn::Item::Impl(i)) => ("an impl block", i.impl_token.span()),
        Ok(syn::Item::Mod(m)) => ("a module", m.mod_token.span()),
        Ok(syn::Item::Const(c)) => ("a const", c.const_token.span()),
        Ok(syn::Item::Static(s)) => ("a static", s.static_token.span()),
        Ok(syn::Item::Trait(t)) => ("a trait", t.trait_token.span()),
        Ok(syn::Item::Type(t)) => ("a type alias", t.type_token.span()),
        Ok(syn::Item::Use(u)) => ("a `use` item", u.use_token.span()),
        Ok(other) => ("this item", other.span()),
        Err(_) => ("this item", item.span()),
    };
    Err(darling::Error::custom(format!("`#[{macro_name}]` goes on {wanted}, not on {what}")).with_span(&span))
}

/// Rejects arguments on a macro that takes none.
pub(crate) fn no_args(acc: &mut Accumulator, macro_name: &str, args: &TokenStream) {
    if !args.is_empty() {
        acc.push(
            darling::Error::custom(format!(
                "`#[{macro_name}]` takes no arguments: write `#[{macro_name}]`, without `({args})`"
            ))
            .with_span(args),
        );
    }
}

/// The shape every macro needs: `async`, not generic, not a method, not variadic.
pub(crate) fn check_async_free_fn(acc: &mut Accumulator, macro_name: &str, f: &ItemFn) {
    let sig = &f.sig;
    if sig.asyncness.is_none() {
        acc.push(
            darling::Error::custom(format!(
                "`#[{macro_name}]` functions must be `async`: write `async fn {}`",
                sig.ident
            ))
            .with_span(&sig.fn_token),
        );
    }
    if let Some(FnArg::Receiver(recv)) = sig.inputs.first() {
        acc.push(
            darling::Error::custom(format!(
                "`#[{macro_name}]` goes on a free function, not a method: remove `{}` and move the function out of the `impl` block",
                tidy(recv)
            ))
            .with_span(recv),
        );
    }
    if let Some(variadic) = &sig.variadic {
        acc.push(
            darling::Error::custom(format!("`#[{macro_name}]` functions cannot be variadic"))
                .with_span(variadic),
        );
    }
}

/// Loaders are called by the runtime with concrete types, so they cannot be generic.
pub(crate) fn check_not_generic(acc: &mut Accumulator, macro_name: &str, f: &ItemFn) {
    let generics = &f.sig.generics;
    if !generics.params.is_empty() {
        acc.push(
            darling::Error::custom(format!(
                "`#[{macro_name}]` functions cannot be generic: remove `{}` and name the concrete types",
                tidy(generics)
            ))
            .with_span(generics),
        );
    } else if let Some(clause) = &generics.where_clause {
        acc.push(
            darling::Error::custom(format!(
                "`#[{macro_name}]` functions cannot have a `where` clause: remove it"
            ))
            .with_span(clause),
        );
    }
}

/// The `U` of a `-> Option<U>` or `-> Result<Option<U>, E>` return type.
pub(crate) fn user_type(acc: &mut Accumulator, macro_name: &str, output: &ReturnType) -> Option<Type> {
    let found = match output {
        ReturnType::Type(_, ty) => option_inner(ty).or_else(|| result_ok(ty).and_then(option_inner)),
        ReturnType::Default => None,
    };
    if found.is_none() {
        let (written, span) = match output {
            ReturnType::Type(_, ty) => (format!("`{}`", tidy(ty)), ty.span()),
            ReturnType::Default => ("nothing".to_owned(), output.span()),
        };
        let fix = match output {
            ReturnType::Type(_, ty) if result_ok(ty).is_some() => "wrap the success type in `Option`",
            ReturnType::Type(..) => "wrap the user type in `Option`",
            ReturnType::Default => "add `-> Option<User>`",
        };
        acc.push(
            darling::Error::custom(format!(
                "`#[{macro_name}]` functions must return `Option<User>` or `Result<Option<User>, E>` (`None` means no such user), not {written}: {fix}"
            ))
            .with_span(&span),
        );
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

/// The success type of `Result<T, E>`, or of a one-argument alias such as `io::Result<T>`.
fn result_ok(ty: &Type) -> Option<&Type> {
    match generic_args(ty, "Result")?.as_slice() {
        [ok, _] | [ok] => Some(ok),
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

/// The extractors that read the request body: a loader runs before the handler, with no body,
/// so they would always see an empty one (or fail).
const BODY_EXTRACTORS: [&str; 5] = ["String", "Bytes", "Json", "Form", "Payload"];

/// Rejects body extractors among a loader's extractor parameters. A `String` is the body too,
/// which matters most in a `#[request_loader]`: written as if it were an id, it would log every
/// request in as the user `""`.
pub(crate) fn check_no_body_extractors(acc: &mut Accumulator, macro_name: &str, types: &[&Type]) {
    for ty in types {
        let Type::Path(p) = ty else { continue };
        let Some(last) = p.path.segments.last() else {
            continue;
        };
        if !BODY_EXTRACTORS.iter().any(|b| last.ident == b) {
            continue;
        }
        let written = tidy(ty);
        let hint = if last.ident == "String" && macro_name == "request_loader" {
            " (a request loader gets no id: a user id read from the session belongs in a `#[user_loader]`)"
        } else {
            ""
        };
        acc.push(
            darling::Error::custom(format!(
                "`{written}` reads the request body, and a `#[{macro_name}]` runs before the handler, with no body: it would always see an empty one{hint}. Read credentials from the headers (`req: HttpRequest`) or the query (`web::Query<T>`) instead"
            ))
            .with_span(ty),
        );
    }
}

/// Extractor parameters are taken by value (`req: HttpRequest`), never by reference.
pub(crate) fn check_extractors_by_value(acc: &mut Accumulator, types: &[&Type]) {
    for ty in types {
        if let Type::Reference(r) = ty {
            let inner = tidy(&r.elem);
            acc.push(
                darling::Error::custom(format!(
                    "loader parameters are extractors and are taken by value: write `{inner}`, not `&{inner}`"
                ))
                .with_span(r),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use syn::parse_quote;

    fn errors(f: syn::ItemFn) -> String {
        let mut acc = darling::Error::accumulator();
        super::check_async_free_fn(&mut acc, "user_loader", &f);
        super::check_not_generic(&mut acc, "user_loader", &f);
        super::user_type(&mut acc, "user_loader", &f.sig.output);
        match acc.finish() {
            Ok(()) => String::new(),
            Err(e) => e
                .into_iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }

    #[test]
    fn a_correct_loader_passes() {
        assert_eq!(
            errors(parse_quote!(
                async fn f(id: String) -> Option<User> {
                    None
                }
            )),
            ""
        );
        assert_eq!(
            errors(parse_quote!(
                async fn f(id: u64) -> Result<Option<User>, E> {
                    Ok(None)
                }
            )),
            ""
        );
    }

    #[test]
    fn every_mistake_is_reported_at_once() {
        let all = errors(parse_quote!(
            fn f<T>(id: T) -> User {
                todo!()
            }
        ));
        assert!(all.contains("must be `async`"), "{all}");
        assert!(all.contains("cannot be generic: remove `<T>`"), "{all}");
        assert!(
            all.contains("not `User`: wrap the user type in `Option`"),
            "{all}"
        );
        assert_eq!(all.lines().count(), 3, "{all}");
    }

    #[test]
    fn a_result_without_option_is_explained() {
        let all = errors(parse_quote!(
            async fn f(id: u64) -> Result<User, E> {
                todo!()
            }
        ));
        assert!(all.contains("wrap the success type in `Option`"), "{all}");
    }

    #[test]
    fn items_that_are_not_functions_are_named() {
        let item = quote::quote!(
            struct Loader;
        );
        let err = super::parse_fn("user_loader", "an `async fn`", &item)
            .map(|_| ())
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "`#[user_loader]` goes on an `async fn`, not on a struct"
        );
    }
}
