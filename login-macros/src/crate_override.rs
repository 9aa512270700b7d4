//! The `crate = "path"` option of every macro: where generated code finds the runtime when the
//! compiling crate reaches it through another crate's re-export (`pub use login_runtime as
//! login;` in a framework crate), which no manifest lookup can see.
//!
//! The option is taken out of the arguments before the macro's own parser sees them, and the
//! path is set for the duration of the expansion (see `paths::runtime`).

use proc_macro2::{Punct, Spacing, TokenStream, TokenTree};
use quote::{ToTokens, quote};
use syn::{Attribute, DeriveInput, LitStr, Meta};

use crate::paths;

/// Runs `expand` on attribute arguments without their `crate = "path"`, with the runtime
/// reached through that path; a malformed or repeated option is reported beside the expansion.
pub(crate) fn expand_attribute(
    args: TokenStream,
    item: TokenStream,
    expand: impl FnOnce(TokenStream, TokenStream) -> TokenStream,
) -> TokenStream {
    let (rest, found) = take_from_arguments(args);
    run(found, || expand(rest, item))
}

/// Runs the derive `expand` on `input` without its struct-level `#[user(crate = "path")]`,
/// with the runtime reached through that path.
pub(crate) fn expand_derive(
    input: TokenStream,
    expand: impl FnOnce(TokenStream) -> TokenStream,
) -> TokenStream {
    let Ok(mut derive) = syn::parse2::<DeriveInput>(input.clone()) else {
        // Not a valid item: the derive reports it.
        return expand(input);
    };
    let mut found = Found::default();
    derive.attrs.retain(|attr| match crate_attribute(attr) {
        Some(value) => {
            found.push(value);
            false
        }
        None => true,
    });
    run(found, || expand(derive.into_token_stream()))
}

/// What the arguments said about `crate`: the path, and the errors of the option.
#[derive(Default)]
struct Found {
    path: Option<syn::Path>,
    errors: Vec<syn::Error>,
}

impl Found {
    fn push(&mut self, value: syn::Result<(TokenStream, LitStr)>) {
        match value.and_then(|(key, lit)| parse_path(&lit).map(|path| (key, path))) {
            Ok((key, _)) if self.path.is_some() => self.errors.push(syn::Error::new_spanned(
                key,
                "`crate` is given twice: keep one `crate = \"path\"`",
            )),
            Ok((_, path)) => self.path = Some(path),
            Err(e) => self.errors.push(e),
        }
    }
}

fn run(found: Found, expand: impl FnOnce() -> TokenStream) -> TokenStream {
    let expanded = paths::with_runtime_path(found.path.map(ToTokens::into_token_stream), expand);
    let errors = found.errors.iter().map(syn::Error::to_compile_error);
    quote!(#expanded #(#errors)*)
}

/// The path in `crate = "path"`, which must name the runtime crate or a re-export of it.
fn parse_path(lit: &LitStr) -> syn::Result<syn::Path> {
    lit.parse::<syn::Path>().map_err(|_| {
        syn::Error::new(
            lit.span(),
            format!(
                "`crate = {:?}` is not a path: give the path under which this crate reaches `login-runtime`, for example `crate = \"::my_framework::login\"`",
                lit.value()
            ),
        )
    })
}

/// Splits `crate = "path"` out of comma-separated attribute arguments.
fn take_from_arguments(args: TokenStream) -> (TokenStream, Found) {
    let mut found = Found::default();
    let mut kept: Vec<Vec<TokenTree>> = Vec::new();
    for segment in split_on_commas(args) {
        match segment.first() {
            Some(TokenTree::Ident(key)) if key == "crate" => found.push(crate_value(&segment)),
            _ => kept.push(segment),
        }
    }
    let mut rest = TokenStream::new();
    for (i, segment) in kept.into_iter().enumerate() {
        if i > 0 {
            rest.extend([TokenTree::Punct(Punct::new(',', Spacing::Alone))]);
        }
        rest.extend(segment);
    }
    (rest, found)
}

/// `crate = "path"` as tokens: the key, `=`, one string literal.
fn crate_value(segment: &[TokenTree]) -> syn::Result<(TokenStream, LitStr)> {
    let tokens: TokenStream = segment.iter().cloned().collect();
    let wrong = || {
        syn::Error::new_spanned(
            &tokens,
            "write `crate = \"path\"`, with the path to `login-runtime` (or to a crate's re-export of it) in quotes, for example `crate = \"::my_framework::login\"`",
        )
    };
    match segment {
        [key, TokenTree::Punct(eq), value] if eq.as_char() == '=' => {
            let lit = syn::parse2::<LitStr>(value.to_token_stream()).map_err(|_| wrong())?;
            Ok((key.to_token_stream(), lit))
        }
        _ => Err(wrong()),
    }
}

/// The value of a struct-level `#[user(crate = "path")]`; `None` for any other attribute.
fn crate_attribute(attr: &Attribute) -> Option<syn::Result<(TokenStream, LitStr)>> {
    let Meta::List(list) = &attr.meta else { return None };
    if !list.path.is_ident("user") {
        return None;
    }
    let segments = split_on_commas(list.tokens.clone());
    match segments.as_slice() {
        [segment] if matches!(segment.first(), Some(TokenTree::Ident(key)) if key == "crate") => {
            Some(crate_value(segment))
        }
        _ => None,
    }
}

/// The comma-separated parts of `args` (groups kept whole, so nested commas stay inside).
fn split_on_commas(args: TokenStream) -> Vec<Vec<TokenTree>> {
    let mut segments = vec![Vec::new()];
    for tree in args {
        match &tree {
            TokenTree::Punct(p) if p.as_char() == ',' => segments.push(Vec::new()),
            _ => segments.last_mut().map_or((), |s| s.push(tree)),
        }
    }
    segments.retain(|s| !s.is_empty());
    segments
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expand_with(args: TokenStream) -> String {
        expand_attribute(args, quote!(), |rest, _| {
            let runtime = paths::runtime();
            quote!(#runtime; #rest)
        })
        .to_string()
    }

    #[test]
    fn the_override_names_the_runtime_and_leaves_the_other_arguments() {
        let out = expand_with(quote!(
            redirect = "/a",
            crate = "::facade::login",
            permission = P::A
        ));
        assert!(out.starts_with(":: facade :: login ;"), "{out}");
        assert!(out.contains("redirect = \"/a\" , permission = P :: A"), "{out}");
        assert!(!out.contains("crate"), "{out}");
    }

    #[test]
    fn without_the_override_the_runtime_is_found_as_before() {
        let out = expand_with(quote!(redirect = "/a"));
        assert!(out.starts_with(":: login_runtime ;"), "{out}");
    }

    #[test]
    fn a_bad_or_repeated_override_is_an_error_that_says_how_to_write_it() {
        for (args, says) in [
            (quote!(crate = facade), "in quotes"),
            (quote!(crate = "not a path"), "is not a path"),
            (quote!(crate = "::a", crate = "::b"), "given twice"),
        ] {
            let out = expand_with(args);
            assert!(out.contains("compile_error"), "{out}");
            assert!(out.contains(says), "{out}");
        }
    }

    #[test]
    fn the_derive_reads_and_removes_a_struct_level_crate_attribute() {
        let input = quote!(
            #[user(crate = "::facade::login")]
            struct User {
                id: u64,
            }
        );
        let out = expand_derive(input, |item| {
            let runtime = paths::runtime();
            quote!(#runtime; #item)
        })
        .to_string();
        assert!(out.starts_with(":: facade :: login ;"), "{out}");
        assert!(!out.contains("crate ="), "{out}");
    }
}
