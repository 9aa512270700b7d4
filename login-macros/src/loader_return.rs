//! What a loader function returns: the user type inside `Option<U>` or `Result<Option<U>, E>`
//! (with the errors for a return type that holds no user, a borrowed user or a standard type),
//! and the small readers of `Option` / `Result` type arguments the loader macros share.

use darling::error::Accumulator;
use syn::spanned::Spanned;
use syn::{GenericArgument, PathArguments, ReturnType, Type};

use crate::signature::tidy;

/// The `U` of a `-> Option<U>` or `-> Result<Option<U>, E>` return type.
pub(crate) fn user_type(acc: &mut Accumulator, macro_name: &str, output: &ReturnType) -> Option<Type> {
    let found = match output {
        ReturnType::Type(_, ty) => option_inner(ty).or_else(|| result_ok(ty).and_then(option_inner)),
        ReturnType::Default => None,
    };
    if let Some(Type::Reference(r)) = found {
        acc.push(
            darling::Error::custom(format!(
                "`#[{macro_name}]` functions return the user by value, not `{}`: the loaded user is kept for the whole request, so it cannot borrow from the loader. Return `Option<{}>` (`.cloned()` turns an `Option<&{elem}>` into one)",
                tidy(r),
                tidy(&r.elem),
                elem = tidy(&r.elem),
            ))
            .with_span(r),
        );
        return None;
    }
    if let Some(ty) = found.filter(|ty| crate::foreign_types::never_a_user(ty)) {
        acc.push(
            darling::Error::custom(format!(
                "`#[{macro_name}]` functions return the user struct, the one that derives `UserMixin` and that handlers take as `CurrentUser<User>`, not `{}`: return `Option<User>` (look the user up by the id and build it)",
                tidy(ty),
            ))
            .with_span(ty),
        );
        return None;
    }
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

pub(crate) fn generic_args<'a>(ty: &'a Type, name: &str) -> Option<Vec<&'a Type>> {
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

pub(crate) fn option_inner(ty: &Type) -> Option<&Type> {
    match generic_args(ty, "Option")?.as_slice() {
        [inner] => Some(inner),
        _ => None,
    }
}

/// The success type of `Result<T, E>`, or of a one-argument alias such as `io::Result<T>`.
pub(crate) fn result_ok(ty: &Type) -> Option<&Type> {
    match generic_args(ty, "Result")?.as_slice() {
        [ok, _] | [ok] => Some(ok),
        _ => None,
    }
}
