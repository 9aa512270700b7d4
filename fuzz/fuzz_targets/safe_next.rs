//! Fuzz target: `is_safe_next` never panics, and whatever it accepts stays on this site or on an
//! allowed host (see `login_fuzz::safe_next` for the invariants).
//!
//! `cargo fuzz run safe_next` with libFuzzer; on stable, `cargo run --release --bin safe_next --
//! <corpus files or directories>` replays inputs through the same checks.

#![cfg_attr(fuzzing, no_main)]

#[cfg(fuzzing)]
libfuzzer_sys::fuzz_target!(|data: &[u8]| login_fuzz::safe_next(data));

#[cfg(not(fuzzing))]
fn main() {
    login_fuzz::replay(login_fuzz::safe_next);
}
