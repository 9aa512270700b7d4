//! The cryptography, in one place: per-purpose keys and the one constant-time compare
//! ([`keys`]), the cookie envelope ([`envelope`]): signed ([`wire`], with the bounds-checked
//! record reader) or encrypted ([`private`]), and the session-protection fingerprint
//! ([`fingerprint`]). Nothing here knows about requests' login
//! state; everything above it calls in.

pub(crate) mod envelope;
pub(crate) mod fingerprint;
pub(crate) mod keys;
pub(crate) mod private;
pub(crate) mod wire;
