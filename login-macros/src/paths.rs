//! Absolute paths to the runtime, the only way generated code names it.
//!
//! The runtime is named by the name the compiling crate's `Cargo.toml` gives it, so a renamed
//! dependency (`login = { package = "login-runtime", .. }`) works: [`proc_macro_crate`] reads
//! that manifest (and the workspace's, for `workspace = true`) and caches it per crate.

use proc_macro_crate::{FoundCrate, crate_name};
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

/// `::login_runtime::__private`, or `::<rename>::__private`.
pub(crate) fn private() -> TokenStream {
    let runtime = runtime();
    quote!(#runtime::__private)
}

/// `::login_runtime`, or `::<rename>` when the compiling crate renames the dependency.
pub(crate) fn runtime() -> TokenStream {
    let name = runtime_name();
    quote!(::#name)
}

/// The name under which the crate being compiled can reach `login-runtime`.
///
/// `login_runtime` unless its manifest renames the dependency. Also `login_runtime` when the
/// crate is `login-runtime` itself (its doctests and examples reach it under that name; the
/// library does not use its own macros), and when the manifest cannot be read or does not name
/// the runtime (a build system other than Cargo, or a crate that gets the runtime through
/// another crate): the generated code then says "cannot find `login_runtime`", as it did before
/// renames were supported.
fn runtime_name() -> Ident {
    const DEFAULT: &str = "login_runtime";
    let name = match crate_name("login-runtime") {
        Ok(FoundCrate::Name(name)) => name,
        Ok(FoundCrate::Itself) | Err(_) => DEFAULT.to_owned(),
    };
    // Cargo only allows dependency names that are identifiers; should one not be, the default
    // at least gives an error message that names the crate.
    syn::parse_str::<Ident>(&name).unwrap_or_else(|_| Ident::new(DEFAULT, Span::call_site()))
}
