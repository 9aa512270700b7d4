//! Session protection and timeouts as verdicts: pure functions of the login's timestamps and
//! fingerprint, applied by the load chain (`context/chain.rs`).

use crate::config::SessionProtection;
use crate::crypto::fingerprint::FINGERPRINT_LEN;

/// What session protection does with a logged-in session on this request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Protection {
    /// The client is the one the login is bound to (or protection is off).
    Keep,
    /// The login was never bound: bind it to this client now.
    Bind,
    /// `basic`: another client; the login stays, no longer fresh, re-bound to this client.
    Demote,
    /// `strong`: another client; the login ends and its remember cookie is deleted.
    End,
}

/// The protection verdict for a login bound to `bound` (`None`: not bound yet);
/// `is_this_client` says whether a bound fingerprint is this request's client's.
pub(crate) fn protection(
    mode: SessionProtection,
    bound: Option<&[u8; FINGERPRINT_LEN]>,
    is_this_client: impl FnOnce(&[u8; FINGERPRINT_LEN]) -> bool,
) -> Protection {
    match (mode, bound) {
        (SessionProtection::Off, _) => Protection::Keep,
        (_, None) => Protection::Bind,
        (_, Some(bound)) if is_this_client(bound) => Protection::Keep,
        (SessionProtection::Basic, Some(_)) => Protection::Demote,
        (_, Some(_)) => Protection::End,
    }
}

/// The timeouts that apply to a session login, in seconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Timeouts {
    /// Ends a login this long after its last request.
    pub(crate) idle: Option<u64>,
    /// Ends a login this long after it was made.
    pub(crate) absolute: Option<u64>,
    /// Refresh `last_seen` once it is this old (a tenth of the idle time; `None`: never).
    pub(crate) touch_every: Option<u64>,
}

/// What the timeouts do with a session login on this request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Timeout {
    /// Nothing to do.
    Live,
    /// Still live, and `last_seen` is old enough to refresh.
    Touch,
    /// Past its idle or absolute deadline: the session login ends.
    Expired,
}

/// The timeout verdict at `now` for a login made at `logged_in_at`, last seen at `last_seen`.
pub(crate) fn timeout(t: Timeouts, now: u64, logged_in_at: u64, last_seen: u64) -> Timeout {
    let idle_for = now.saturating_sub(last_seen);
    let idle_expired = t.idle.is_some_and(|idle| idle_for > idle);
    let absolute_expired = t
        .absolute
        .is_some_and(|absolute| now.saturating_sub(logged_in_at) > absolute);
    if idle_expired || absolute_expired {
        Timeout::Expired
    } else if t.touch_every.is_some_and(|every| idle_for >= every) {
        Timeout::Touch
    } else {
        Timeout::Live
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: [u8; FINGERPRINT_LEN] = [1; FINGERPRINT_LEN];

    #[test]
    fn protection_keeps_the_bound_client_binds_unbound_logins_and_reacts_to_others_by_mode() {
        use SessionProtection::*;
        assert_eq!(protection(Off, Some(&A), |_| false), Protection::Keep);
        assert_eq!(protection(Basic, None, |_| false), Protection::Bind);
        assert_eq!(protection(Strong, Some(&A), |b| *b == A), Protection::Keep);
        assert_eq!(protection(Basic, Some(&A), |_| false), Protection::Demote);
        assert_eq!(protection(Strong, Some(&A), |_| false), Protection::End);
    }

    #[test]
    fn timeouts_expire_after_their_deadline_and_touch_only_after_a_tenth() {
        let t = Timeouts {
            idle: Some(100),
            absolute: Some(1000),
            touch_every: Some(10),
        };
        assert_eq!(timeout(t, 105, 100, 100), Timeout::Live);
        assert_eq!(timeout(t, 110, 100, 100), Timeout::Touch);
        assert_eq!(
            timeout(t, 200, 100, 100),
            Timeout::Touch,
            "at the idle deadline itself"
        );
        assert_eq!(timeout(t, 201, 100, 100), Timeout::Expired, "idle");
        assert_eq!(timeout(t, 1101, 100, 1100), Timeout::Expired, "absolute");
        assert_eq!(timeout(Timeouts::default(), u64::MAX, 0, 0), Timeout::Live);
    }
}
