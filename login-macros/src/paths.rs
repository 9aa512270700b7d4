//! Absolute paths to the runtime, the only way generated code names it.

use proc_macro2::TokenStream;
use quote::quote;

/// `::login_runtime::__private`.
pub(crate) fn private() -> TokenStream {
    quote!(::login_runtime::__private)
}

/// `::login_runtime`.
pub(crate) fn runtime() -> TokenStream {
    quote!(::login_runtime)
}
