//! Absolute paths to the runtime, the only way generated code names it.
//!
//! The runtime is named by the name the compiling crate's `Cargo.toml` gives it, so a renamed
//! dependency (`login = { package = "login-runtime", .. }`) works: [`proc_macro_crate`] reads
//! that manifest (and the workspace's, for `workspace = true`) and caches it per crate.

use std::cell::RefCell;

use proc_macro_crate::{FoundCrate, crate_name};
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

/// `::login_runtime::__private`, or `::<rename>::__private`.
pub(crate) fn private() -> TokenStream {
    let runtime = runtime();
    quote!(#runtime::__private)
}

/// `::login_runtime`, or `::<rename>` when the compiling crate renames the dependency, or the
/// path of the invocation's `crate = "path"`.
pub(crate) fn runtime() -> TokenStream {
    if let Some(path) = OVERRIDE.with(|o| o.borrow().clone()) {
        return path;
    }
    let name = runtime_name();
    quote!(::#name)
}

thread_local! {
    /// The `crate = "path"` of the expansion running on this thread, if it gave one.
    static OVERRIDE: RefCell<Option<TokenStream>> = const { RefCell::new(None) };
}

/// Runs `expand` with the runtime named by `path` (when given), as `crate = "path"` asks.
pub(crate) fn with_runtime_path<T>(path: Option<TokenStream>, expand: impl FnOnce() -> T) -> T {
    /// Puts the previous value back, even if `expand` unwinds.
    struct Restore(Option<TokenStream>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let previous = self.0.take();
            OVERRIDE.with(|o| *o.borrow_mut() = previous);
        }
    }
    let _restore = Restore(OVERRIDE.with(|o| o.replace(path)));
    expand()
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
