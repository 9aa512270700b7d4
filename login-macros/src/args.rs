//! Option value types shared by the macros. Each one implements darling's `FromMeta` itself so
//! that a badly typed value gets a message naming the key and showing the fix, instead of
//! darling's generic "Unexpected type `int`".

use darling::FromMeta;
use proc_macro2::Span;
use quote::ToTokens;
use syn::spanned::Spanned;
use syn::{Expr, ExprLit, Lit, Meta};

/// The key of a meta item, as written (`json`, `login_view`).
pub(crate) fn key(meta: &Meta) -> String {
    meta.path().to_token_stream().to_string().replace(' ', "")
}

/// The literal of `key = <lit>`, if the value is a literal.
fn literal(expr: &Expr) -> Option<&Lit> {
    match expr {
        Expr::Lit(ExprLit { lit, .. }) => Some(lit),
        _ => None,
    }
}

/// A key that is either present or not: `#[user(active)]`, `#[login_required(json)]`.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Switch(Option<Span>);

impl Switch {
    pub(crate) fn is_present(&self) -> bool {
        self.0.is_some()
    }
    /// Where the key was written (the call site when absent).
    pub(crate) fn span(&self) -> Span {
        self.0.unwrap_or_else(Span::call_site)
    }
}

impl FromMeta for Switch {
    fn from_none() -> Option<Self> {
        Some(Switch(None))
    }

    fn from_meta(item: &Meta) -> darling::Result<Self> {
        let name = key(item);
        match item {
            Meta::Path(path) => Ok(Switch(Some(path.span()))),
            Meta::NameValue(nv) => Err(darling::Error::custom(format!(
                "`{name}` takes no value: write `{name}`, not `{name} = {}`",
                nv.value.to_token_stream()
            ))
            .with_span(&nv.value)),
            Meta::List(list) => Err(darling::Error::custom(format!(
                "`{name}` takes no arguments: write `{name}`"
            ))
            .with_span(&list.delimiter.span().join())),
        }
    }
}

/// A string option value, with the span of its literal: `login_view = "/login"`.
#[derive(Clone, Debug)]
pub(crate) struct Text {
    pub(crate) value: String,
    pub(crate) span: Span,
}

impl Text {
    /// Parses `key = "..."`, and explains the fix for anything else. `example` is a valid value.
    fn parse(item: &Meta, example: &str) -> darling::Result<Self> {
        let name = key(item);
        let expected = format!("`{name}` takes a string: write `{name} = \"{example}\"`");
        match item {
            Meta::NameValue(nv) => match literal(&nv.value) {
                Some(Lit::Str(s)) => Ok(Text {
                    value: s.value(),
                    span: s.span(),
                }),
                _ => Err(darling::Error::custom(format!(
                    "{expected}, not `{name} = {}`",
                    nv.value.to_token_stream()
                ))
                .with_span(&nv.value)),
            },
            Meta::Path(path) => Err(darling::Error::custom(format!(
                "`{name}` needs a value: write `{name} = \"{example}\"`"
            ))
            .with_span(path)),
            Meta::List(list) => {
                Err(darling::Error::custom(expected).with_span(&list.delimiter.span().join()))
            }
        }
    }
}

/// A login or refresh view: a local path or an absolute http(s) URL, checked by the grammar the
/// runtime's `LoginManagerBuilder::login_view` uses (`login_grammar::check_view`).
#[derive(Clone, Debug)]
pub(crate) struct View(pub(crate) Text);

impl FromMeta for View {
    fn from_meta(item: &Meta) -> darling::Result<Self> {
        let text = Text::parse(item, "/login")?;
        login_grammar::check_view(&text.value)
            .map_err(|e| darling::Error::custom(e).with_span(&text.span))?;
        Ok(View(text))
    }
}

/// A duration such as `max_age = "15m"`, as whole seconds, read by the grammar of the runtime's
/// `parse_duration` (`login_grammar::parse_duration_secs`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Seconds {
    pub(crate) secs: u64,
}

impl FromMeta for Seconds {
    fn from_meta(item: &Meta) -> darling::Result<Self> {
        // The grammar reads a bare number as seconds, but an integer literal is the wrong type
        // of value here: say so with the fix, rather than "takes a string".
        if let Meta::NameValue(nv) = item
            && let Some(Lit::Int(int)) = literal(&nv.value)
        {
            let name = key(item);
            return Err(darling::Error::custom(format!(
                "`{name}` takes a duration in a string, with its unit: write `{name} = \"{}s\"` for {} seconds, or use m, h, d, w",
                int.base10_digits(),
                int.base10_digits()
            ))
            .with_span(int));
        }
        let text = Text::parse(item, "15m")?;
        login_grammar::parse_duration_secs(&text.value)
            .map(|secs| Seconds { secs })
            .map_err(|e| darling::Error::custom(e).with_span(&text.span))
    }
}

/// An option that exists only on `#[fresh_login_required]`, written on `#[login_required]`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FreshOnly;

impl FromMeta for FreshOnly {
    fn from_meta(item: &Meta) -> darling::Result<Self> {
        let name = key(item);
        Err(darling::Error::custom(format!(
            "`{name}` only applies to fresh logins: use `#[fresh_login_required({})]` instead of `#[login_required]`",
            item.to_token_stream()
        ))
        .with_span(item.path()))
    }
}

#[cfg(test)]
mod tests {
    use darling::FromMeta;
    use syn::parse_quote;

    use super::{Seconds, Switch, View};

    fn message<T: FromMeta + std::fmt::Debug>(meta: syn::Meta) -> String {
        match T::from_meta(&meta) {
            Ok(v) => format!("unexpectedly parsed: {v:?}"),
            Err(e) => e.to_string(),
        }
    }

    /// `key = "<bad>"` is refused with the grammar's message, as is.
    fn assert_refused_as_the_grammar_says<T: FromMeta + std::fmt::Debug>(
        key: &str,
        bad: &str,
        grammar: impl std::fmt::Display,
    ) {
        let key = syn::Ident::new(key, proc_macro2::Span::call_site());
        assert_eq!(
            message::<T>(parse_quote!(#key = #bad)),
            grammar.to_string(),
            "{bad}"
        );
    }

    #[test]
    fn switches_refuse_values_and_say_how_to_write_them() {
        assert!(Switch::from_meta(&parse_quote!(json)).is_ok_and(|s| s.is_present()));
        let msg = message::<Switch>(parse_quote!(json = "yes"));
        assert!(msg.contains("write `json`, not `json = \"yes\"`"), "{msg}");
    }

    #[test]
    fn views_are_checked_by_the_shared_grammar_and_must_be_strings() {
        assert!(View::from_meta(&parse_quote!(login_view = "https://sso.example/login")).is_ok());
        for bad in ["login", "//evil.example", "/log in", "/登录"] {
            let grammar = login_grammar::check_view(bad).unwrap_err();
            assert_refused_as_the_grammar_says::<View>("login_view", bad, grammar);
        }
        let msg = message::<View>(parse_quote!(login_view));
        assert_eq!(msg, "`login_view` needs a value: write `login_view = \"/login\"`");
        let msg = message::<View>(parse_quote!(login_view = 42));
        assert!(
            msg.contains("write `login_view = \"/login\"`, not `login_view = 42`"),
            "{msg}"
        );
    }

    #[test]
    fn durations_are_read_by_the_shared_grammar_from_a_string() {
        let secs = |meta: syn::Meta| Seconds::from_meta(&meta).map(|s| s.secs).ok();
        assert_eq!(secs(parse_quote!(max_age = "15m")), Some(900));
        assert_eq!(secs(parse_quote!(max_age = "900")), Some(900));
        let msg = message::<Seconds>(parse_quote!(max_age = 900));
        assert!(msg.contains("write `max_age = \"900s\"`"), "{msg}");
        for bad in ["soon", "15 m", "0s", "99999999999999999999w"] {
            let grammar = login_grammar::parse_duration_secs(bad).unwrap_err();
            assert_refused_as_the_grammar_says::<Seconds>("max_age", bad, grammar);
        }
    }
}
