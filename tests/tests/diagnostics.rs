//! The macros' compile-time diagnostics (trybuild UI tests): every
//! `tests/ui/<macro>/fail/<mistake>.rs` must fail to compile with exactly the error in the
//! `.stderr` next to it, and every `tests/ui/<macro>/pass/<case>.rs` must compile.
//!
//! The expected output is pinned to the stable 1.95 compiler: other compilers word and place
//! errors differently. To regenerate after changing a macro or the compiler:
//!
//! ```sh
//! TRYBUILD=overwrite cargo test -p login-tests --test behaviour diagnostics::
//! git diff tests/ui   # review every changed .stderr before committing it
//! ```

/// Runs every pass and fail case.
#[rustversion::stable(1.95)]
#[test]
fn every_macro_case_compiles_or_fails_with_its_recorded_error() {
    let cases = trybuild::TestCases::new();
    cases.pass("ui/*/pass/*.rs");
    cases.compile_fail("ui/*/fail/*.rs");
}

/// On any other compiler, fail with instructions instead of comparing against output that was
/// recorded with 1.95.
#[rustversion::not(stable(1.95))]
#[test]
fn every_macro_case_compiles_or_fails_with_its_recorded_error() {
    panic!(
        "the UI tests are pinned to stable Rust 1.95 (their .stderr files were recorded with it). \
         Run them with `cargo +1.95 test -p login-tests --test behaviour diagnostics::`, or, to \
         move them to this compiler, regenerate with \
         `TRYBUILD=overwrite cargo test -p login-tests --test behaviour diagnostics::` and \
         review the diff of tests/ui before committing it"
    );
}
