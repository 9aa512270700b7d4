//! `#[login_required]` and `#[fresh_login_required]`: add a `Guard` extractor as the handler's
//! first parameter. The body, the return type and every other attribute stay as written, so the
//! macro composes with `#[get]` and friends in either order and with manual registration.

use darling::FromMeta;
use darling::ast::NestedMeta;
use darling::util::{Flag, SpannedValue};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{FnArg, ItemFn};

use crate::duration::parse_secs;
use crate::paths::private;

/// Which guard.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Login,
    Fresh,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Login => "login_required",
            Kind::Fresh => "fresh_login_required",
        }
    }
}

/// The guard's options.
#[derive(Default, FromMeta)]
struct GuardArgs {
    /// This route's login view.
    login_view: Option<SpannedValue<String>>,
    /// This route's refresh view (fresh only).
    refresh_view: Option<SpannedValue<String>>,
    /// Refuse with a JSON 401.
    json: Flag,
    /// Refuse with a redirect.
    html: Flag,
    /// Fresh within this long (fresh only).
    max_age: Option<SpannedValue<String>>,
}

pub(crate) fn expand(kind: Kind, args: TokenStream, item: TokenStream) -> TokenStream {
    let mut f: ItemFn = match syn::parse2(item.clone()) {
        Ok(f) => f,
        Err(_) => {
            let err = syn::Error::new_spanned(
                &item,
                format!("`#[{}]` goes on an `async fn` request handler", kind.name()),
            )
            .into_compile_error();
            return quote!(#err #item);
        }
    };
    let mut acc = darling::Error::accumulator();
    let args = acc
        .handle(NestedMeta::parse_meta_list(args).map_err(darling::Error::from))
        .and_then(|items| acc.handle(GuardArgs::from_list(&items)))
        .unwrap_or_default();
    validate(kind, &args, &f, &mut acc);
    if let Err(errors) = acc.finish() {
        let errors = errors.write_errors();
        return quote!(#errors #f);
    }

    let pv = private();
    let rule = if has_options(&args) {
        let rule_name = format_ident!("__{}_{}", kind.name(), f.sig.ident);
        let vis = &f.vis;
        let options = route_options(kind, &args);
        let rule = quote! {
            #[doc(hidden)]
            #[allow(non_camel_case_types, missing_docs, unreachable_pub)]
            #vis enum #rule_name {}
            #[automatically_derived]
            impl #pv::RouteRule for #rule_name {
                const OPTIONS: #pv::RouteOptions = #options;
            }
        };
        (quote!(#rule_name), rule)
    } else {
        let name = match kind {
            Kind::Login => quote!(#pv::LoginRequired),
            Kind::Fresh => quote!(#pv::FreshLoginRequired),
        };
        (name, quote!())
    };
    let (rule_ty, rule_item) = rule;
    let guard: FnArg = syn::parse_quote!(_: #pv::Guard<#rule_ty>);
    f.sig.inputs.insert(0, guard);
    quote! {
        #rule_item
        #f
    }
}

fn has_options(args: &GuardArgs) -> bool {
    args.login_view.is_some()
        || args.refresh_view.is_some()
        || args.json.is_present()
        || args.html.is_present()
        || args.max_age.is_some()
}

fn validate(kind: Kind, args: &GuardArgs, f: &ItemFn, acc: &mut darling::error::Accumulator) {
    let name = kind.name();
    if f.sig.asyncness.is_none() {
        acc.push(
            darling::Error::custom(format!(
                "`#[{name}]` handlers must be `async`: write `async fn {}`",
                f.sig.ident
            ))
            .with_span(&f.sig.fn_token),
        );
    }
    if let Some(FnArg::Receiver(recv)) = f.sig.inputs.first() {
        acc.push(
            darling::Error::custom(format!(
                "`#[{name}]` goes on a free handler function, not a method: remove `self`"
            ))
            .with_span(recv),
        );
    }
    if f.sig.inputs.len() >= 16 {
        acc.push(
            darling::Error::custom(format!(
                "`#[{name}]` adds one extractor and actix-web handlers take at most 16: group some parameters into a tuple"
            ))
            .with_span(&f.sig.inputs),
        );
    }
    for view in [&args.login_view, &args.refresh_view].into_iter().flatten() {
        let ok = view.starts_with('/') || view.starts_with("http://") || view.starts_with("https://");
        if !ok || view.chars().any(|c| c.is_whitespace() || c.is_control()) {
            acc.push(
                darling::Error::custom(format!(
                    "`{}` is not a URL: give a path starting with `/` (for example \"/login\") or an absolute http(s) URL",
                    view.as_str()
                ))
                .with_span(&view.span()),
            );
        }
    }
    if args.json.is_present() && args.html.is_present() {
        acc.push(
            darling::Error::custom("choose one of `json` and `html`, not both").with_span(&args.html.span()),
        );
    }
    if kind == Kind::Login {
        if let Some(v) = &args.refresh_view {
            acc.push(
                darling::Error::custom("`refresh_view` only applies to `#[fresh_login_required]`")
                    .with_span(&v.span()),
            );
        }
        if let Some(v) = &args.max_age {
            acc.push(
                darling::Error::custom("`max_age` only applies to `#[fresh_login_required]`")
                    .with_span(&v.span()),
            );
        }
    }
    if let Some(max_age) = &args.max_age
        && parse_secs(max_age).is_none()
    {
        acc.push(
                darling::Error::custom(format!(
                    "`{}` is not a duration: write a positive number followed by s, m, h, d or w, for example \"15m\"",
                    max_age.as_str()
                ))
                .with_span(&max_age.span()),
            );
    }
}

fn route_options(kind: Kind, args: &GuardArgs) -> TokenStream {
    let pv = private();
    let fresh = kind == Kind::Fresh;
    let opt_str = |v: &Option<SpannedValue<String>>| match v {
        Some(s) => {
            let s = s.as_str();
            quote!(#pv::Some(#s))
        }
        None => quote!(#pv::None),
    };
    let login_view = opt_str(&args.login_view);
    let refresh_view = opt_str(&args.refresh_view);
    let max_age = match args.max_age.as_ref().and_then(|m| parse_secs(m)) {
        Some(secs) => quote!(#pv::Some(#secs)),
        None => quote!(#pv::None),
    };
    let flavour = if args.json.is_present() {
        quote!(#pv::Flavour::Json)
    } else if args.html.is_present() {
        quote!(#pv::Flavour::Html)
    } else {
        quote!(#pv::Flavour::Inherit)
    };
    quote! {
        #pv::RouteOptions {
            fresh: #fresh,
            max_age_secs: #max_age,
            login_view: #login_view,
            refresh_view: #refresh_view,
            flavour: #flavour,
        }
    }
}
