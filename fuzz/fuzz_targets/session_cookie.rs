//! Fuzz target: cookie decoding through the login middleware. Garbage, forged and mutated
//! `session` / `remember_token` cookies never log anyone in and never give a 5xx (see
//! `login_fuzz::session_cookie` for the input format).
//!
//! `cargo fuzz run session_cookie` with libFuzzer; on stable, `cargo run --release --bin
//! session_cookie -- <corpus files or directories>` replays inputs through the same checks.

#![cfg_attr(fuzzing, no_main)]

#[cfg(fuzzing)]
libfuzzer_sys::fuzz_target!(|data: &[u8]| login_fuzz::session_cookie(data));

#[cfg(not(fuzzing))]
fn main() {
    login_fuzz::replay(login_fuzz::session_cookie);
}
