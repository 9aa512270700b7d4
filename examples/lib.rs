//! Runnable examples for `login-runtime`; see `quickstart.rs`. This library target is empty: the
//! examples are the product.
