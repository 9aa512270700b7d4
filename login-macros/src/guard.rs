//! `#[login_required]` and `#[fresh_login_required]`: add a `Guard` extractor as the handler's
//! first parameter. The body, the return type and every other attribute stay as written, so the
//! macro composes with `#[get]` and friends in either order and with manual registration.

use darling::FromMeta;
use darling::ast::NestedMeta;
use proc_macro2::TokenStream;
use quote::{ToTokens, format_ident, quote};
use syn::{FnArg, ItemFn};

use crate::args::{FreshOnly, Seconds, Switch, View};
use crate::paths::private;
use crate::signature::{check_async_free_fn, parse_fn};

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

/// `#[login_required(...)]` options. `refresh_view` and `max_age` are accepted only to say
/// that they belong on `#[fresh_login_required]`.
#[derive(FromMeta)]
struct LoginArgs {
    #[darling(default)]
    login_view: Option<View>,
    #[darling(default)]
    json: Switch,
    #[darling(default)]
    html: Switch,
    #[darling(default, rename = "refresh_view")]
    _refresh_view: Option<FreshOnly>,
    #[darling(default, rename = "max_age")]
    _max_age: Option<FreshOnly>,
}

/// `#[fresh_login_required(...)]` options.
#[derive(FromMeta)]
struct FreshArgs {
    #[darling(default)]
    login_view: Option<View>,
    #[darling(default)]
    refresh_view: Option<View>,
    #[darling(default)]
    json: Switch,
    #[darling(default)]
    html: Switch,
    #[darling(default)]
    max_age: Option<Seconds>,
}

/// The validated options of one guarded route.
#[derive(Default)]
struct Model {
    login_view: Option<View>,
    refresh_view: Option<View>,
    json: Switch,
    html: Switch,
    max_age: Option<Seconds>,
}

impl Model {
    fn has_options(&self) -> bool {
        self.login_view.is_some()
            || self.refresh_view.is_some()
            || self.json.is_present()
            || self.html.is_present()
            || self.max_age.is_some()
    }
}

pub(crate) fn expand(kind: Kind, args: TokenStream, item: TokenStream) -> TokenStream {
    let mut f = match parse_fn(kind.name(), "an `async fn` request handler", &item) {
        Ok(f) => f,
        Err(e) => {
            let e = e.write_errors();
            return quote!(#e #item);
        }
    };
    let mut acc = darling::Error::accumulator();
    let model = parse_args(kind, args, &mut acc);
    validate(kind, &model, &f, &mut acc);
    if let Err(errors) = acc.finish() {
        let errors = errors.write_errors();
        return quote!(#errors #f);
    }
    let (rule_ty, rule_item) = rule(kind, &model, &f);
    let pv = private();
    let guard: FnArg = syn::parse_quote!(_: #pv::Guard<#rule_ty>);
    f.sig.inputs.insert(0, guard);
    quote! {
        #rule_item
        #f
    }
}

/// Parses the options; on errors, records them and returns the options that parsed.
fn parse_args(kind: Kind, args: TokenStream, acc: &mut darling::error::Accumulator) -> Model {
    let Some(items) = acc.handle(NestedMeta::parse_meta_list(args).map_err(darling::Error::from)) else {
        return Model::default();
    };
    // A bare literal (`#[login_required("/login")]`) would get darling's "Unexpected meta-item
    // format `literal`"; say which key it needs instead.
    let (literals, items): (Vec<_>, Vec<_>) = items
        .into_iter()
        .partition(|item| matches!(item, NestedMeta::Lit(_)));
    for literal in &literals {
        let view = match kind {
            Kind::Login => "login_view",
            Kind::Fresh => "refresh_view",
        };
        let fix = match literal {
            NestedMeta::Lit(syn::Lit::Str(s)) => format!("write `{view} = {}`", s.to_token_stream()),
            _ => format!("write `{view} = \"/login\"`, `json` or `html`"),
        };
        acc.push(
            darling::Error::custom(format!("options are written as `key = value` or `key`: {fix}"))
                .with_span(literal),
        );
    }
    match kind {
        Kind::Login => acc
            .handle(LoginArgs::from_list(&items))
            .map(|a| Model {
                login_view: a.login_view,
                json: a.json,
                html: a.html,
                ..Model::default()
            })
            .unwrap_or_default(),
        Kind::Fresh => acc
            .handle(FreshArgs::from_list(&items))
            .map(|a| Model {
                login_view: a.login_view,
                refresh_view: a.refresh_view,
                json: a.json,
                html: a.html,
                max_age: a.max_age,
            })
            .unwrap_or_default(),
    }
}

fn validate(kind: Kind, model: &Model, f: &ItemFn, acc: &mut darling::error::Accumulator) {
    let name = kind.name();
    check_async_free_fn(acc, name, f);
    if f.sig.inputs.len() >= 16 {
        acc.push(
            darling::Error::custom(format!(
                "`#[{name}]` adds one extractor and actix-web handlers take at most 16: group some parameters into a tuple"
            ))
            .with_span(&f.sig.inputs),
        );
    }
    if model.json.is_present() && model.html.is_present() {
        acc.push(
            darling::Error::custom("choose one of `json` (answer 401 with JSON) and `html` (redirect to the login view), not both")
                .with_span(&model.html.span()),
        );
    }
}

/// The rule type named in `Guard<...>`, and the hidden item that defines it when the route has
/// options.
fn rule(kind: Kind, model: &Model, f: &ItemFn) -> (TokenStream, TokenStream) {
    let pv = private();
    if !model.has_options() {
        let name = match kind {
            Kind::Login => quote!(#pv::LoginRequired),
            Kind::Fresh => quote!(#pv::FreshLoginRequired),
        };
        return (name, quote!());
    }
    let rule_name = format_ident!("__{}_{}", kind.name(), f.sig.ident);
    let vis = &f.vis;
    let options = route_options(kind, model);
    let item = quote! {
        #[doc(hidden)]
        #[allow(non_camel_case_types, missing_docs, unreachable_pub)]
        #vis enum #rule_name {}
        #[automatically_derived]
        impl #pv::RouteRule for #rule_name {
            const OPTIONS: #pv::RouteOptions = #options;
        }
    };
    (quote!(#rule_name), item)
}

fn route_options(kind: Kind, model: &Model) -> TokenStream {
    let pv = private();
    let fresh = kind == Kind::Fresh;
    let view = |v: &Option<View>| match v {
        Some(View(text)) => {
            let s = &text.value;
            quote!(#pv::Some(#s))
        }
        None => quote!(#pv::None),
    };
    let login_view = view(&model.login_view);
    let refresh_view = view(&model.refresh_view);
    let max_age = match model.max_age {
        Some(Seconds { secs }) => quote!(#pv::Some(#secs)),
        None => quote!(#pv::None),
    };
    let flavour = if model.json.is_present() {
        quote!(#pv::Flavour::Json)
    } else if model.html.is_present() {
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
