//! Option value types shared by the macros. Each one implements darling's `FromMeta` itself so
//! that a badly typed value gets a message naming the key and showing the fix, instead of
//! darling's generic "Unexpected type `int`".

use darling::FromMeta;
use proc_macro2::Span;
use quote::ToTokens;
use syn::spanned::Spanned;
use syn::{Expr, ExprLit, Lit, Meta};

use crate::duration::{overflows, parse_secs};

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

/// A login or refresh view: a local path or an absolute http(s) URL.
#[derive(Clone, Debug)]
pub(crate) struct View(pub(crate) Text);

impl FromMeta for View {
    fn from_meta(item: &Meta) -> darling::Result<Self> {
        let text = Text::parse(item, "/login")?;
        let v = text.value.as_str();
        // The same rules as the runtime's `LoginManagerBuilder::login_view`: the view goes into
        // a `Location` header as written.
        let shape_ok = v.starts_with('/') || v.starts_with("http://") || v.starts_with("https://");
        if !shape_ok || v.starts_with("//") {
            return Err(darling::Error::custom(format!(
                "`{}` is not a URL: give a path that starts with one `/` (for example \"/login\") or an absolute http(s) URL",
                v.escape_debug()
            ))
            .with_span(&text.span));
        }
        if let Some(bad) = v
            .chars()
            .find(|&c| c.is_whitespace() || c.is_control() || c == '\\')
        {
            return Err(darling::Error::custom(format!(
                "`{}` contains {bad:?}, which a URL cannot hold as is: remove it or percent-encode it (a space is `%20`)",
                v.escape_debug()
            ))
            .with_span(&text.span));
        }
        if !v.is_ascii() {
            return Err(darling::Error::custom(format!(
                "`{v}` has non-ASCII characters, which a `Location` header cannot carry: percent-encode them (for example \"/%E7%99%BB%E5%BD%95\" for \"/登录\")"
            ))
            .with_span(&text.span));
        }
        Ok(View(text))
    }
}

/// A duration such as `max_age = "15m"`, as whole seconds.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Seconds {
    pub(crate) secs: u64,
}

impl FromMeta for Seconds {
    fn from_meta(item: &Meta) -> darling::Result<Self> {
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
        match parse_secs(&text.value) {
            Some(secs) => Ok(Seconds { secs }),
            None if overflows(&text.value) => Err(darling::Error::custom(format!(
                "`{}` is too large to count in seconds: use a smaller number, for example \"365d\"",
                text.value
            ))
            .with_span(&text.span)),
            None => Err(darling::Error::custom(format!(
                "`{}` is not a duration: write a positive whole number followed by s, m, h, d or w, for example \"15m\"",
                text.value
            ))
            .with_span(&text.span)),
        }
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

    #[test]
    fn switches_refuse_values_and_say_how_to_write_them() {
        assert!(Switch::from_meta(&parse_quote!(json)).is_ok_and(|s| s.is_present()));
        let msg = message::<Switch>(parse_quote!(json = "yes"));
        assert!(msg.contains("write `json`, not `json = \"yes\"`"), "{msg}");
    }

    #[test]
    fn views_must_be_local_paths_or_http_urls() {
        for ok in ["/login", "https://sso.example/login", "http://x/y"] {
            let meta: syn::Meta = parse_quote!(login_view = #ok);
            assert!(View::from_meta(&meta).is_ok(), "{ok}");
        }
        for bad in ["login", "//evil.example", "javascript:alert(1)"] {
            let meta: syn::Meta = parse_quote!(login_view = #bad);
            let msg = message::<View>(meta);
            assert!(msg.contains("is not a URL"), "{bad}: {msg}");
        }
        for bad in ["/log in", "/a\\b", "/tab\there"] {
            let meta: syn::Meta = parse_quote!(login_view = #bad);
            let msg = message::<View>(meta);
            assert!(msg.contains("percent-encode it"), "{bad}: {msg}");
        }
        let msg = message::<View>(parse_quote!(login_view = "/登录"));
        assert!(msg.contains("non-ASCII") && msg.contains("%E7%99%BB"), "{msg}");
        let msg = message::<View>(parse_quote!(login_view));
        assert_eq!(msg, "`login_view` needs a value: write `login_view = \"/login\"`");
        let msg = message::<View>(parse_quote!(login_view = 42));
        assert!(
            msg.contains("write `login_view = \"/login\"`, not `login_view = 42`"),
            "{msg}"
        );
    }

    #[test]
    fn durations_need_a_unit_in_a_string() {
        let meta: syn::Meta = parse_quote!(max_age = "15m");
        assert_eq!(Seconds::from_meta(&meta).map(|s| s.secs).ok(), Some(900));
        let msg = message::<Seconds>(parse_quote!(max_age = 900));
        assert!(msg.contains("write `max_age = \"900s\"`"), "{msg}");
        let msg = message::<Seconds>(parse_quote!(max_age = "soon"));
        assert!(msg.contains("`soon` is not a duration"), "{msg}");
    }
}
