//! The cryptography, in one place: per-purpose keys and the one constant-time compare
//! ([`keys`]), the signed cookie envelope and its bounds-checked reader ([`wire`]), and the
//! session-protection fingerprint ([`fingerprint`]). Nothing here knows about requests' login
//! state; everything above it calls in.

pub(crate) mod fingerprint;
pub(crate) mod keys;
pub(crate) mod wire;
