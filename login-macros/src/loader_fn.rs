//! The function `#[user_loader]` and `#[request_loader]` are given, written once for both: the
//! checks on its shape (no macro arguments; an `async` free function, not generic, returning
//! `Option<User>`; the user's id first for a user loader; extractor parameters taken by value
//! and not reading the body), and the generated body that extracts those parameters from the
//! request and calls the function. What the function returns is read in `loader_return.rs`.
//! `loader.rs` and `request_loader.rs` only wrap it in their trait impl.

use darling::error::Accumulator;
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{FnArg, ItemFn, ReturnType, Type};

use crate::loader_return::{generic_args, user_type};
use crate::loader_stand_in::stand_in;
use crate::paths::private;
use crate::signature::{check_async_free_fn, expand_fn, tidy};

/// Which loader macro, which decides what the parameters are.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `#[user_loader]`: the user's id, then extractors.
    User,
    /// `#[request_loader]`: extractors only.
    Request,
    /// `#[permission_loader]`: the user by reference, then extractors (`permission_loader.rs`
    /// checks its own shape and uses the extractor checks here).
    Permission,
}

impl Kind {
    /// The macro's name.
    fn name(self) -> &'static str {
        match self {
            Kind::User => "user_loader",
            Kind::Request => "request_loader",
            Kind::Permission => "permission_loader",
        }
    }

    /// What the macro goes on, for the error on anything that is not a function.
    fn wanted(self) -> &'static str {
        match self {
            Kind::User => "an `async fn` that takes the user's id and returns `Option<User>`",
            Kind::Request => {
                "an `async fn` whose parameters are extractors (such as `req: HttpRequest`) and that returns `Option<User>`"
            }
            Kind::Permission => "an `async fn` that takes `&User` and returns the user's permissions",
        }
    }
}

/// A loader function that passed every check.
pub(crate) struct LoaderFn<'a> {
    /// `User` in `-> Option<User>` or `-> Result<Option<User>, E>`.
    pub(crate) user: Type,
    /// The id parameter's type: always there for a user loader, never for a request loader.
    pub(crate) id: Option<&'a Type>,
    /// The extractor parameters' types, in order.
    pub(crate) extractors: Vec<&'a Type>,
}

/// A loader macro: parses and checks the function, then wraps it in the macro's trait impl with
/// `implement`; on errors, the errors and the function as written.
pub(crate) fn expand(
    kind: Kind,
    args: TokenStream,
    item: TokenStream,
    implement: fn(&ItemFn, &LoaderFn<'_>) -> TokenStream,
) -> TokenStream {
    expand_fn(kind.name(), kind.wanted(), item, |f| {
        check(kind, &args, f)
            .map(|loader| implement(f, &loader))
            .map_err(|e| (e, stand_in(kind, f)))
    })
}

/// Checks a loader function, reporting every mistake at once, in the order they are written.
fn check<'a>(kind: Kind, args: &TokenStream, f: &'a ItemFn) -> darling::Result<LoaderFn<'a>> {
    let name = kind.name();
    let mut acc = darling::Error::accumulator();
    no_args(&mut acc, name, args);
    check_async_free_fn(&mut acc, name, f);
    check_not_generic(&mut acc, name, f);
    let user = user_type(&mut acc, name, &f.sig.output);
    let params = param_types(f);
    let (id, extractors) = match kind {
        Kind::User => match params.split_first() {
            Some((id, extractors)) => (Some(*id), extractors),
            None => (None, &[][..]),
        },
        Kind::Request | Kind::Permission => (None, &params[..]),
    };
    if kind == Kind::User {
        check_id(&mut acc, f, id);
    }
    check_extractors_by_value(&mut acc, extractors);
    check_no_body_extractors(&mut acc, kind, extractors);
    acc.finish()?;
    match user {
        Some(user) if id.is_some() || kind == Kind::Request => Ok(LoaderFn {
            user,
            id,
            extractors: extractors.to_vec(),
        }),
        // Unreachable: the checks above reported why.
        _ => Err(
            darling::Error::custom(format!("`#[{name}]` needs a user type and its parameters"))
                .with_span(&f.sig.ident),
        ),
    }
}

/// The body of the generated `load_user` or `load_from_request`: extracts each extractor
/// parameter from a clone of `__req` (the `&HttpRequest` parameter of the generated method,
/// cloned into the future so that it borrows nothing; an extraction
/// error ends the load with it), calls the function `name` with `id` (a user loader's id
/// argument) and them, and turns what it returns into the loader's result. Each extraction is
/// spanned at its parameter's type, where a type that is not an extractor is reported.
pub(crate) fn load_body(
    name: &Ident,
    output: &ReturnType,
    id: Option<TokenStream>,
    extractors: &[&Type],
) -> TokenStream {
    let pv = private();
    let vars: Vec<Ident> = (0..extractors.len())
        .map(|i| format_ident!("__login_arg{}", i))
        .collect();
    let extract = extractors.iter().zip(&vars).map(|(ty, var)| {
        quote_spanned! {ty.span()=>
            let #var = <#ty as #pv::LoaderArg>::extract(&__req).await?;
        }
    });
    let args = id.into_iter().chain(vars.iter().map(|var| quote!(#var)));
    // Spanned at the error type of a `Result` (else the return type), where an error type
    // without `Display` is reported.
    let span = match output {
        ReturnType::Type(_, ty) => match generic_args(ty, "Result").as_deref() {
            Some([_, err]) => err.span(),
            _ => ty.span(),
        },
        ReturnType::Default => output.span(),
    };
    let into_result = quote_spanned!(span=> #pv::IntoLoadResult::into_load_result(__login_result));
    // The future owns a clone of the request (a reference count), so it borrows nothing: the
    // login context can hold it while it is pending.
    quote! {
        let __req = #pv::Clone::clone(__req);
        #pv::Box::pin(async move {
            #(#extract)*
            let __login_result = #name(#(#args),*).await;
            #into_result
        })
    }
}

/// Rejects arguments: neither loader macro takes any.
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

/// A user loader's first parameter is the user's id, taken by value.
fn check_id(acc: &mut Accumulator, f: &ItemFn, id: Option<&Type>) {
    let is_method = matches!(f.sig.inputs.first(), Some(FnArg::Receiver(_)));
    match id {
        // A method is already refused, with the fix.
        None if is_method => {}
        None => acc.push(
            darling::Error::custom(format!(
                "`#[{}]` functions take the user's id as their first parameter: write `async fn {}(id: String)` (with the type of the user's id field)",
                Kind::User.name(),
                f.sig.ident
            ))
            .with_span(&f.sig.paren_token.span.join()),
        ),
        Some(first) if is_extractor(first) => {
            let id = f.sig.inputs.iter().skip(1).find(|a| !matches!(a, FnArg::Typed(t) if is_extractor(&t.ty)));
            let fix = match id {
                Some(id) => format!("move `{}` first", tidy(id)),
                None => "add the id first, as in `id: String` (with the type of the user's id field)".to_owned(),
            };
            acc.push(
                darling::Error::custom(format!(
                    "`{}` is an extractor, and the first parameter of a `#[{}]` is the user's id: {fix}",
                    tidy(first),
                    Kind::User.name(),
                ))
                .with_span(first),
            );
        }
        Some(Type::Reference(r)) => {
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
        Some(_) => {}
    }
}

/// Types that are surely extractors, never a user id: found first, the id was put after them.
fn is_extractor(ty: &Type) -> bool {
    const EXTRACTORS: [&str; 6] = [
        "Data",
        "HttpRequest",
        "Query",
        "ReqData",
        "ConnectionInfo",
        "Header",
    ];
    let Type::Path(p) = ty else { return false };
    p.path
        .segments
        .last()
        .is_some_and(|s| EXTRACTORS.iter().any(|e| s.ident == e))
}

/// Extractor parameters are taken by value (`req: HttpRequest`), never by reference; the
/// middleware's `ServiceRequest` is not one.
pub(crate) fn check_extractors_by_value(acc: &mut Accumulator, types: &[&Type]) {
    for ty in types {
        if let Type::Path(p) = ty
            && let Some(last) = p.path.segments.last()
            && last.ident == "ServiceRequest"
        {
            acc.push(
                darling::Error::custom(
                    "`ServiceRequest` is what middleware sees, and loaders are called with the handler's request: take `req: HttpRequest` (`actix_web::HttpRequest`) instead",
                )
                .with_span(&last.ident),
            );
        }
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

/// The extractors that read the request body: a loader runs before the handler, with no body,
/// so they would always see an empty one (or fail).
const BODY_EXTRACTORS: [&str; 5] = ["String", "Bytes", "Json", "Form", "Payload"];

/// Rejects body extractors among a loader's extractor parameters. A `String` is the body too,
/// which matters most in a `#[request_loader]`: written as if it were an id, it would log every
/// request in as the user `""`.
pub(crate) fn check_no_body_extractors(acc: &mut Accumulator, kind: Kind, types: &[&Type]) {
    for ty in types {
        let Type::Path(p) = ty else { continue };
        let Some(last) = p.path.segments.last() else {
            continue;
        };
        if !BODY_EXTRACTORS.iter().any(|b| last.ident == b) {
            continue;
        }
        let written = tidy(ty);
        let hint = if last.ident == "String" && kind == Kind::Request {
            " (a request loader gets no id: a user id read from the session belongs in a `#[user_loader]`)"
        } else {
            ""
        };
        acc.push(
            darling::Error::custom(format!(
                "`{written}` reads the request body, and a `#[{}]` runs before the handler, with no body: it would always see an empty one{hint}. Read credentials from the headers (`req: HttpRequest`) or the query (`web::Query<T>`) instead",
                kind.name()
            ))
            .with_span(ty),
        );
    }
}

#[cfg(test)]
mod tests {
    use syn::parse_quote;

    use super::Kind;

    fn errors(kind: Kind, f: syn::ItemFn) -> String {
        match super::check(kind, &proc_macro2::TokenStream::new(), &f) {
            Ok(_) => String::new(),
            Err(e) => e
                .into_iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }

    #[test]
    fn correct_loaders_pass_and_split_their_parameters() {
        let f: syn::ItemFn = parse_quote!(
            async fn f(id: u64, req: HttpRequest) -> Result<Option<User>, E> {
                Ok(None)
            }
        );
        let user = super::check(Kind::User, &proc_macro2::TokenStream::new(), &f).unwrap();
        assert!(user.id.is_some() && user.extractors.len() == 1);
        let request = super::check(Kind::Request, &proc_macro2::TokenStream::new(), &f).unwrap();
        assert!(request.id.is_none() && request.extractors.len() == 2);
        let f = parse_quote!(
            async fn f(id: String) -> Option<User> {
                None
            }
        );
        assert_eq!(errors(Kind::User, f), "");
    }

    #[test]
    fn every_mistake_is_reported_at_once() {
        let all = errors(
            Kind::User,
            parse_quote!(
                fn f<T>(id: &str, body: String, req: &HttpRequest) -> User {
                    todo!()
                }
            ),
        );
        assert!(all.contains("must be `async`"), "{all}");
        assert!(all.contains("cannot be generic: remove `<T>`"), "{all}");
        assert!(
            all.contains("not `User`: wrap the user type in `Option`"),
            "{all}"
        );
        assert!(all.contains("write `id: String`, not `&str`"), "{all}");
        assert!(all.contains("`String` reads the request body"), "{all}");
        assert!(all.contains("write `HttpRequest`, not `&HttpRequest`"), "{all}");
        assert_eq!(all.lines().count(), 6, "{all}");
    }

    #[test]
    fn a_result_without_option_is_explained() {
        let all = errors(
            Kind::Request,
            parse_quote!(
                async fn f(req: HttpRequest) -> Result<User, E> {
                    todo!()
                }
            ),
        );
        assert!(all.contains("wrap the success type in `Option`"), "{all}");
    }

    #[test]
    fn the_advice_fits_the_parameter_and_the_return_type() {
        let all = errors(
            Kind::User,
            parse_quote!(
                async fn f(db: web::Data<Db>, id: u64) -> Option<User> {
                    None
                }
            ),
        );
        assert!(
            all.contains("`web::Data<Db>` is an extractor") && all.contains("move `id: u64` first"),
            "{all}"
        );
        let all = errors(
            Kind::User,
            parse_quote!(
                async fn f(id: u64, req: actix_web::dev::ServiceRequest) -> Option<User> {
                    None
                }
            ),
        );
        assert!(all.contains("take `req: HttpRequest`"), "{all}");
        let all = errors(
            Kind::User,
            parse_quote!(
                async fn f(id: u64) -> Option<&User> {
                    None
                }
            ),
        );
        assert!(all.contains("return the user by value, not `&User`"), "{all}");
    }

    #[test]
    fn a_string_in_a_request_loader_is_not_an_id() {
        let f: syn::ItemFn = parse_quote!(
            async fn f(id: String) -> Option<User> {
                None
            }
        );
        assert!(errors(Kind::Request, f).contains("a request loader gets no id"));
    }
}
