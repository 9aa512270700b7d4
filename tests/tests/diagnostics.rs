//! The macros' compile-time diagnostics (trybuild UI tests): every
//! `tests/ui/<macro>/fail/<mistake>.rs` (and every whole program with one mistake,
//! `tests/ui/programs/fail/<mistake>.rs`) must fail to compile with exactly the error in the
//! `.stderr` next to it, and every `tests/ui/<macro>/pass/<case>.rs` must compile.
//!
//! The expected output is pinned to the stable 1.95 compiler: other compilers word and place
//! errors differently. On another compiler the cases are skipped with one line on stderr, so
//! `cargo test --workspace` passes on any recent stable; with `CI=true` they fail instead, with
//! these instructions. To regenerate after changing a macro or the compiler:
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

/// On any other compiler the recorded output cannot match, so the cases are skipped with one
/// line on stderr, except in CI (`CI=true`), where a compiler that is not the pinned one is a
/// mistake in the CI set-up and fails with the instructions.
#[rustversion::not(stable(1.95))]
#[test]
fn every_macro_case_compiles_or_fails_with_its_recorded_error() {
    use std::io::Write as _;

    match on_another_compiler(std::env::var("CI").ok().as_deref()) {
        OtherCompiler::Skip => {
            // Written to stderr directly rather than with `eprintln!`, which the test harness
            // captures: the line shows in a plain `cargo test` run.
            let _ = writeln!(
                std::io::stderr(),
                "diagnostics: the trybuild ui cases are pinned to stable Rust 1.95 and are skipped \
                 on this compiler (run them with `cargo +1.95 test -p login-tests --test behaviour \
                 diagnostics::`)"
            );
        }
        OtherCompiler::Fail => panic!("{PINNED}"),
    }
}

/// Why the ui cases do not run on this compiler, and how to run or move them.
#[rustversion::not(stable(1.95))]
const PINNED: &str = "the UI tests are pinned to stable Rust 1.95 (their .stderr files were \
     recorded with it). Run them with `cargo +1.95 test -p login-tests --test behaviour \
     diagnostics::`, or, to move them to this compiler, regenerate with \
     `TRYBUILD=overwrite cargo test -p login-tests --test behaviour diagnostics::` and review the \
     diff of tests/ui before committing it";

/// What the ui test does on a compiler other than the pinned one.
#[derive(Debug, PartialEq, Eq)]
enum OtherCompiler {
    /// Print one line and pass: a contributor on a newer stable still gets a green
    /// `cargo test --workspace`.
    Skip,
    /// Fail with the instructions: CI must run the pinned compiler.
    Fail,
}

/// The decision, from the value of the `CI` environment variable: `true` (what CI services and
/// `.ci/run` set; `1` is taken to mean the same) fails, anything else or unset skips.
fn on_another_compiler(ci: Option<&str>) -> OtherCompiler {
    match ci.map(str::trim) {
        Some(value) if value.eq_ignore_ascii_case("true") || value == "1" => OtherCompiler::Fail,
        _ => OtherCompiler::Skip,
    }
}

#[test]
fn another_compiler_skips_the_ui_cases_outside_ci() {
    for ci in [None, Some(""), Some("false"), Some("0")] {
        assert_eq!(on_another_compiler(ci), OtherCompiler::Skip, "CI={ci:?}");
    }
}

#[test]
fn another_compiler_fails_the_ui_cases_in_ci() {
    for ci in [Some("true"), Some("TRUE"), Some("1")] {
        assert_eq!(on_another_compiler(ci), OtherCompiler::Fail, "CI={ci:?}");
    }
}

/// The whole programs whose one mistake still gives more than two errors, and why: without the
/// derive, rustc reports each use of the type that is then not a user (stable Rust cannot merge
/// them, and no macro sees the struct to leave a stand-in). Documented in the derive's docs with
/// the message the user sees. (A missing loader is one error, at the builder; a loader
/// returning a standard type is ours and the builder's; a user type with a lifetime is ours
/// alone, the derive leaving a stand-in for its `'static` instance.)
const KNOWN_CASCADES: [&str; 1] = ["user_attr_without_derive"];

#[test]
fn every_whole_program_mistake_is_at_most_two_errors_the_first_in_the_program() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/programs/fail");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let name = path.file_stem().unwrap().to_str().unwrap().to_owned();
        let stderr = std::fs::read_to_string(path.with_extension("stderr"))
            .unwrap_or_else(|_| panic!("{name}: no .stderr recorded"));
        let errors = stderr.lines().filter(|l| l.starts_with("error")).count();
        assert!(errors >= 1, "{name}: the mistake gives no error");
        if !KNOWN_CASCADES.contains(&name.as_str()) {
            assert!(errors <= 2, "{name}: one mistake gives {errors} errors");
        }
        let first_at = stderr
            .lines()
            .find_map(|l| l.trim_start().strip_prefix("--> "))
            .unwrap_or_default();
        assert!(
            first_at.starts_with(&format!("ui/programs/fail/{name}.rs:")),
            "{name}: the first error is at {first_at}, not in the program"
        );
        checked += 1;
    }
    assert!(checked >= 26, "found the whole-program cases: {checked}");
}
