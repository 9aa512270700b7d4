//! `#[login_required]` and `#[fresh_login_required]`: add a `Guard` extractor as the handler's
//! first parameter. The body, the return type and every other attribute stay as written, so the
//! macro composes with `#[get]` and friends in either order and with manual registration.

use darling::FromMeta;
use darling::ast::NestedMeta;
use proc_macro2::TokenStream;
use quote::{ToTokens, format_ident, quote};
use syn::{FnArg, ItemFn};

use crate::args::{FreshOnly, Seconds, Switch, View};
use crate::authorize::{Authorization, Check, Permission, UserType, authorize_impl, user_of_handler};
use crate::guard_keys::check_keys;
use crate::paths::private;
use crate::signature::{check_async_free_fn, expand_fn};

/// Which guard.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Login,
    Fresh,
    /// `#[anonymous_required]`: pages for logged-out visitors only.
    Anonymous,
}

impl Kind {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Kind::Login => "login_required",
            Kind::Fresh => "fresh_login_required",
            Kind::Anonymous => "anonymous_required",
        }
    }
}

/// `#[anonymous_required(...)]` options.
#[derive(FromMeta)]
struct AnonymousArgs {
    #[darling(default)]
    redirect: Option<View>,
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
    #[darling(default)]
    permission: Option<Permission>,
    #[darling(default)]
    check: Option<Check>,
    #[darling(default)]
    user: Option<UserType>,
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
    #[darling(default)]
    permission: Option<Permission>,
    #[darling(default)]
    check: Option<Check>,
    #[darling(default)]
    user: Option<UserType>,
}

/// The validated options of one guarded route.
#[derive(Default)]
struct Model {
    login_view: Option<View>,
    refresh_view: Option<View>,
    json: Switch,
    html: Switch,
    max_age: Option<Seconds>,
    permission: Option<Permission>,
    check: Option<Check>,
    user: Option<UserType>,
    redirect: Option<View>,
    /// Some key was not an option (already reported): checks that depend on the other keys
    /// stay quiet, since the unknown key may be the one they miss.
    unknown_keys: bool,
}

impl Model {
    fn has_options(&self) -> bool {
        self.redirect.is_some()
            || self.login_view.is_some()
            || self.refresh_view.is_some()
            || self.json.is_present()
            || self.html.is_present()
            || self.max_age.is_some()
    }
}

pub(crate) fn expand(kind: Kind, args: TokenStream, item: TokenStream) -> TokenStream {
    expand_fn(kind.name(), "an `async fn` request handler", item, |f| {
        let mut acc = darling::Error::accumulator();
        let model = parse_args(kind, args, &mut acc);
        validate(kind, &model, f, &mut acc);
        let authorization = authorization(&model, f, &mut acc);
        if let Err(e) = acc.finish() {
            // A handler that is not `async` is emitted as one, so the route that registers it
            // does not add actix-web's `Handler` error to ours.
            let mut f = f.clone();
            f.sig.asyncness.get_or_insert_with(Default::default);
            return Err((e, quote!(#f)));
        }
        let (rule_ty, rule_item) = rule(kind, &model, authorization.as_ref(), f);
        let pv = private();
        let mut f = f.clone();
        let guard: FnArg = match authorization {
            Some(_) => syn::parse_quote!(_: #pv::Authorized<#rule_ty>),
            None => syn::parse_quote!(_: #pv::Guard<#rule_ty>),
        };
        f.sig.inputs.insert(0, guard);
        // The inserted guard is a parameter the user never wrote: do not let it tip a handler
        // with 7 parameters over clippy's `too_many_arguments` threshold.
        if f.sig.inputs.len() == 8 {
            f.attrs
                .push(syn::parse_quote!(#[allow(clippy::too_many_arguments)]));
        }
        let user_checks = crate::handler_users::user_type_checks(&f);
        Ok(quote! {
            #user_checks
            #rule_item
            #f
        })
    })
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
    let before = items.len();
    let items = check_keys(kind, items, acc);
    let unknown_keys = items.len() + literals.len() < before;
    for literal in &literals {
        let view = match kind {
            Kind::Login => "login_view",
            Kind::Fresh => "refresh_view",
            Kind::Anonymous => "redirect",
        };
        let fix = match literal {
            NestedMeta::Lit(syn::Lit::Str(s)) => format!("write `{view} = {}`", s.to_token_stream()),
            _ if kind == Kind::Anonymous => format!("write `{view} = \"/\"`"),
            _ => format!("write `{view} = \"/login\"`, `json` or `html`"),
        };
        acc.push(
            darling::Error::custom(format!("options are written as `key = value` or `key`: {fix}"))
                .with_span(literal),
        );
    }
    let model = match kind {
        Kind::Login => acc
            .handle(LoginArgs::from_list(&items))
            .map(|a| Model {
                login_view: a.login_view,
                json: a.json,
                html: a.html,
                permission: a.permission,
                check: a.check,
                user: a.user,
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
                permission: a.permission,
                check: a.check,
                user: a.user,
                ..Model::default()
            })
            .unwrap_or_default(),
        Kind::Anonymous => acc
            .handle(AnonymousArgs::from_list(&items))
            .map(|a| Model {
                redirect: a.redirect,
                ..Model::default()
            })
            .unwrap_or_default(),
    };
    Model {
        unknown_keys,
        ..model
    }
}

fn validate(kind: Kind, model: &Model, f: &ItemFn, acc: &mut darling::error::Accumulator) {
    let name = kind.name();
    check_async_free_fn(acc, name, f);
    check_one_guard(kind, f, acc);
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

/// The same guard twice on one handler is a mistake: with options, the two would define the
/// same hidden rule type. (`#[login_required]` stacked on `#[fresh_login_required]` is allowed,
/// as Flask-Login allows stacking its decorators; the fresh guard decides.)
fn check_one_guard(kind: Kind, f: &ItemFn, acc: &mut darling::error::Accumulator) {
    let name = kind.name();
    for attr in &f.attrs {
        let Some(other) = attr.path().segments.last().map(|s| s.ident.to_string()) else {
            continue;
        };
        if other == name {
            acc.push(
                darling::Error::custom(format!(
                    "`#[{name}]` is written twice on this handler: remove one"
                ))
                .with_span(attr),
            );
        } else if (kind == Kind::Anonymous && (other == "login_required" || other == "fresh_login_required"))
            || (kind != Kind::Anonymous && other == "anonymous_required")
        {
            acc.push(
                darling::Error::custom(format!(
                    "`#[{name}]` and `#[{other}]` contradict each other: a page is either for logged-out visitors or for logged-in users; remove one"
                ))
                .with_span(attr),
            );
        }
    }
}

/// The route's authorization, when it names a permission or a check: the user type is the
/// `user = ..` option, else the handler's `CurrentUser<User>` parameter's.
fn authorization(model: &Model, f: &ItemFn, acc: &mut darling::error::Accumulator) -> Option<Authorization> {
    if model.permission.is_none() && model.check.is_none() {
        if let Some(UserType(ty)) = &model.user
            && !model.unknown_keys
        {
            acc.push(
                darling::Error::custom("`user` names whose permissions are checked, and this route checks none: remove `user = ..`, or add `permission = ..` or `check = ..`")
                    .with_span(ty),
            );
        }
        return None;
    }
    let user = match (&model.user, user_of_handler(f)) {
        (Some(UserType(ty)), _) => ty.clone(),
        (None, Some(ty)) => ty,
        (None, None) => {
            let what = if model.permission.is_some() {
                "permission"
            } else {
                "check"
            };
            acc.push(
                darling::Error::custom(format!(
                    "`{what}` needs the user type: write `user = User` in the options, or take `user: CurrentUser<User>` in the handler"
                ))
                .with_span(&f.sig.ident),
            );
            return None;
        }
    };
    Some(Authorization {
        user,
        permission: model.permission.clone(),
        check: model.check.clone(),
    })
}

/// The rule type named in `Guard<...>` or `Authorized<...>`, and the hidden item that defines
/// it when the route has options.
fn rule(
    kind: Kind,
    model: &Model,
    authorization: Option<&Authorization>,
    f: &ItemFn,
) -> (TokenStream, TokenStream) {
    let pv = private();
    if !model.has_options() && authorization.is_none() {
        let name = match kind {
            Kind::Login => quote!(#pv::LoginRequired),
            Kind::Fresh => quote!(#pv::FreshLoginRequired),
            Kind::Anonymous => quote!(#pv::AnonymousRequired),
        };
        return (name, quote!());
    }
    let rule_name = format_ident!("__{}_{}", kind.name(), f.sig.ident);
    // As visible as the handler, so the handler can be registered from another module. (A
    // rule that checks permissions names the user type: a `pub` handler needs a `pub` user.)
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
    let item = match authorization {
        Some(auth) => {
            let imp = authorize_impl(&rule_name, auth);
            quote!(#item #imp)
        }
        None => item,
    };
    (quote!(#rule_name), item)
}

/// The route's options as a `const` expression: the plain guard's options with one `const fn`
/// call per option given, so a field added to `RouteOptions` never breaks generated code.
fn route_options(kind: Kind, model: &Model) -> TokenStream {
    let pv = private();
    let mut options = match kind {
        Kind::Login => quote!(#pv::RouteOptions::LOGIN_REQUIRED),
        Kind::Fresh => quote!(#pv::RouteOptions::FRESH_LOGIN_REQUIRED),
        Kind::Anonymous => quote!(#pv::RouteOptions::ANONYMOUS_REQUIRED),
    };
    if let Some(View(text)) = &model.redirect {
        let s = &text.value;
        options = quote!(#options.logged_in_view(#s));
    }
    if let Some(Seconds { secs }) = model.max_age {
        options = quote!(#options.max_age_secs(#secs));
    }
    if let Some(View(text)) = &model.login_view {
        let s = &text.value;
        options = quote!(#options.login_view(#s));
    }
    if let Some(View(text)) = &model.refresh_view {
        let s = &text.value;
        options = quote!(#options.refresh_view(#s));
    }
    if model.json.is_present() {
        options = quote!(#options.flavour(#pv::Flavour::Json));
    } else if model.html.is_present() {
        options = quote!(#options.flavour(#pv::Flavour::Html));
    }
    options
}
