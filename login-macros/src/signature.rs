//! The function an attribute macro is given, for all of them: parsing it (and emitting it again
//! next to the errors) and the shape every one needs.

use darling::error::Accumulator;
use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::spanned::Spanned;
use syn::{FnArg, ItemFn};

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

/// What an attribute macro emits beside its errors in place of its expansion: the item as
/// written, or a stand-in that lets the rest of the program type-check.
pub(crate) type Rejected = (darling::Error, TokenStream);

/// An attribute macro on a function: parses the item as a function, then `expand`s it. When
/// either fails, the output is the errors and the item as written (or the stand-in `expand`
/// gives with its errors), so one mistake gives one error (and no second one from code that
/// uses the item).
pub(crate) fn expand_fn(
    macro_name: &str,
    wanted: &str,
    item: TokenStream,
    expand: impl FnOnce(&ItemFn) -> Result<TokenStream, Rejected>,
) -> TokenStream {
    let f = match parse_fn(macro_name, wanted, &item) {
        Ok(f) => f,
        Err(e) => {
            let e = e.write_errors();
            return quote!(#e #item);
        }
    };
    match expand(&f) {
        Ok(tokens) => tokens,
        Err((e, stand_in)) => {
            let e = e.write_errors();
            quote!(#e #stand_in)
        }
    }
}

/// Parses the item as a function. Anything else is reported at its first token with `wanted`
/// ("an `async fn` request handler").
fn parse_fn(macro_name: &str, wanted: &str, item: &TokenStream) -> darling::Result<ItemFn> {
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

/// The shape every macro needs: `async`, not a method, not variadic.
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

#[cfg(test)]
mod tests {
    use syn::parse_quote;

    #[test]
    fn every_shape_mistake_is_reported_at_once() {
        let f: syn::ItemFn = parse_quote!(
            fn f(&self, id: u64) {}
        );
        let mut acc = darling::Error::accumulator();
        super::check_async_free_fn(&mut acc, "login_required", &f);
        let all: Vec<String> = acc
            .finish()
            .unwrap_err()
            .into_iter()
            .map(|e| e.to_string())
            .collect();
        assert_eq!(all.len(), 2, "{all:?}");
        assert!(all[0].contains("must be `async`: write `async fn f`"), "{all:?}");
        assert!(all[1].contains("not a method: remove `&self`"), "{all:?}");
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
