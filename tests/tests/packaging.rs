//! What the published library crates ship: each has its own copy of the license texts (Cargo
//! packages only files under the crate's directory), and the copies must not drift from the
//! ones at the workspace root.

// Test helpers may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

/// The crates that are published to crates.io.
const LIBRARY_CRATES: [&str; 3] = ["login-grammar", "login-macros", "login-runtime"];

#[test]
fn every_library_crate_ships_the_root_license_texts_unchanged() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for license in ["LICENSE-MIT", "LICENSE-APACHE"] {
        let original = std::fs::read_to_string(root.join(license)).expect(license);
        for krate in LIBRARY_CRATES {
            let copy = std::fs::read_to_string(root.join(krate).join(license))
                .unwrap_or_else(|err| panic!("{krate}/{license}: {err}: copy it from the root"));
            assert!(
                copy == original,
                "{krate}/{license} differs from the root {license}: copy the root file over it"
            );
        }
    }
}
