//! The checks `build()` runs: keys, views, hosts, cookies, durations. Pure functions of the
//! settings, each unit-tested, each error saying what is wrong and how to fix it.

use std::time::Duration;

use actix_web::cookie::SameSite;
use actix_web::http::header::HeaderValue;

use crate::config::settings::{CookieSettings, DEFAULT_REMEMBER_COOKIE, DEFAULT_SESSION_COOKIE, Settings};
use crate::error::ConfigError;
use crate::user::UserMixin;

/// The shortest secret key accepted, in bytes.
///
/// ```
/// # use login_runtime::{LoginManager, UserMixin, user_loader};
/// # #[derive(Clone, UserMixin)] struct User { id: String }
/// # #[user_loader] async fn load(id: String) -> Option<User> { None }
/// use login_runtime::MIN_KEY_LEN;
///
/// assert!(LoginManager::<User>::builder([7u8; MIN_KEY_LEN]).build().is_ok());
/// assert!(LoginManager::<User>::builder([7u8; MIN_KEY_LEN - 1]).build().is_err());
/// ```
pub const MIN_KEY_LEN: usize = 32;

/// Parses a duration written as a number followed by `s`, `m`, `h`, `d` or `w` (`30s`, `15m`,
/// `7h`, `30d`, `2w`); a bare number means seconds. The grammar is `login-grammar`'s, the
/// same one the macros' `max_age` uses, so the two cannot disagree.
///
/// ```
/// use std::time::Duration;
/// use login_runtime::parse_duration;
/// assert_eq!(parse_duration("15m"), Ok(Duration::from_secs(900)));
/// assert_eq!(parse_duration("365d"), Ok(Duration::from_secs(365 * 86400)));
/// assert!(parse_duration("soon").is_err());
/// ```
pub fn parse_duration(text: &str) -> Result<Duration, ConfigError> {
    login_grammar::parse_duration_secs(text)
        .map(Duration::from_secs)
        .map_err(|e| ConfigError::new(e.to_string()))
}

pub(crate) fn check_key(what: &str, key: &[u8]) -> Result<(), ConfigError> {
    if key.len() < MIN_KEY_LEN {
        return Err(ConfigError::new(format!(
            "{what} is {} bytes long; it must be at least {MIN_KEY_LEN} bytes: generate one with `openssl rand -hex 32`",
            key.len()
        )));
    }
    Ok(())
}

pub(crate) fn check_view(what: &str, view: &str) -> Result<(), ConfigError> {
    login_grammar::check_view(view).map_err(|e| ConfigError::new(format!("{what} {e}")))
}

/// A host for `force_host_for_redirects`: a name or address with an optional port, nothing that
/// could end the authority (`/`, `?`, `#`, `@`) or the `Location` header.
pub(crate) fn check_host(host: &str) -> Result<(), ConfigError> {
    let valid = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._:[]".contains(&b));
    if !valid {
        return Err(ConfigError::new(format!(
            "force_host_for_redirects `{}` is not a host: give a host name with an optional port, for example `example.com` or `example.com:8443`",
            host.escape_debug()
        )));
    }
    Ok(())
}

/// Checks one cookie's settings; `role` (`session` or `remember`) says which cookie in messages,
/// and its default name is the example of a valid one.
pub(crate) fn check_cookie(role: &str, default_name: &str, c: &CookieSettings) -> Result<(), ConfigError> {
    let valid_name = !c.name.is_empty()
        && c.name
            .bytes()
            .all(|b| b.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?={}".contains(&b));
    if !valid_name {
        return Err(ConfigError::new(format!(
            "the {role} cookie name `{}` is not a valid cookie name: use letters, digits, `-` and `_`, for example `{}`",
            c.name.escape_debug(),
            default_name
        )));
    }
    // Written as-is into `Set-Cookie`: a control character would make the header unwritable
    // (the cookie silently never set) and a `;` would add attributes.
    if !c.path.starts_with('/') || !c.path.bytes().all(|b| (0x20..0x7f).contains(&b) && b != b';') {
        return Err(ConfigError::new(format!(
            "cookie `{}` has path `{}`: a cookie path must start with `/` and hold only printable ASCII without `;`, for example `/` or `/app`",
            c.name,
            c.path.escape_debug()
        )));
    }
    if let Some(domain) = &c.domain {
        let host = domain.strip_prefix('.').unwrap_or(domain);
        let valid = !host.is_empty()
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
        if !valid {
            return Err(ConfigError::new(format!(
                "cookie `{}` has domain `{}`: give a host name such as `example.com` (ASCII letters, digits, `-` and `.`; punycode for other names), or no domain for a host-only cookie",
                c.name,
                domain.escape_debug()
            )));
        }
    }
    if c.same_site == SameSite::None && !c.secure {
        return Err(ConfigError::new(format!(
            "cookie `{}` has SameSite=None without Secure, which browsers reject: turn Secure on or use SameSite=Lax",
            c.name
        )));
    }
    // Browsers drop prefixed cookies whose attributes break the prefix's rules, so the login
    // would silently never stick.
    if c.name.starts_with("__Host-") && (!c.secure || c.path != "/" || c.domain.is_some()) {
        return Err(ConfigError::new(format!(
            "cookie `{}` has the `__Host-` prefix, which browsers only accept with Secure, `Path=/` and no domain: keep those defaults or drop the prefix",
            c.name
        )));
    }
    if c.name.starts_with("__Secure-") && !c.secure {
        return Err(ConfigError::new(format!(
            "cookie `{}` has the `__Secure-` prefix, which browsers only accept with Secure: turn Secure on or drop the prefix",
            c.name
        )));
    }
    Ok(())
}

/// Checks every setting; the first problem found is the error.
pub(crate) fn check_settings<U: UserMixin>(
    secret_key: &[u8],
    fallback_keys: &[Vec<u8>],
    s: &Settings<U>,
) -> Result<(), ConfigError> {
    check_key("the secret key", secret_key)?;
    for (i, key) in fallback_keys.iter().enumerate() {
        check_key(&format!("fallback key #{}", i + 1), key)?;
    }
    for (what, view) in [
        ("login_view", &s.redirects.login_view),
        ("refresh_view", &s.redirects.refresh_view),
    ] {
        if let Some(v) = view {
            check_view(what, v)?;
        }
    }
    check_view("logged_in_view", &s.redirects.logged_in_view)?;
    if let Some(host) = &s.redirects.force_host {
        check_host(host)?;
    }
    check_cookie("session", DEFAULT_SESSION_COOKIE, &s.cookies.session)?;
    check_cookie("remember", DEFAULT_REMEMBER_COOKIE, &s.cookies.remember)?;
    if s.cookies.session.name == s.cookies.remember.name {
        return Err(ConfigError::new(format!(
            "the session cookie and the remember cookie are both named `{}`: give them different names",
            s.cookies.session.name
        )));
    }
    if s.remember.duration.as_secs() == 0 {
        return Err(ConfigError::new(
            "the remember duration must be at least one second, for example `remember_duration(Duration::from_secs(30 * 86400))`",
        ));
    }
    if s.redirects.next_field.is_empty() {
        return Err(ConfigError::new(
            "the next field name is empty: use for example `next`",
        ));
    }
    if HeaderValue::from_str(&s.answers.www_authenticate).is_err() {
        return Err(ConfigError::new(format!(
            "`{}` is not a valid WWW-Authenticate header value: use visible ASCII without line breaks, for example `Bearer realm=\"api\"`",
            s.answers.www_authenticate.escape_debug()
        )));
    }
    for (what, timeout) in [
        ("idle_timeout", s.timeouts.idle),
        ("absolute_timeout", s.timeouts.absolute),
    ] {
        check_positive(what, timeout)?;
    }
    check_storage(s)
}

/// A timeout, when set, must be at least a second.
fn check_positive(what: &str, timeout: Option<Duration>) -> Result<(), ConfigError> {
    if timeout.is_some_and(|t| t.as_secs() == 0) {
        return Err(ConfigError::new(format!(
            "{what} must be at least one second; leave it unset to turn it off"
        )));
    }
    Ok(())
}

/// The server-side store settings, and what a server-side store cannot do.
fn check_storage<U: UserMixin>(s: &Settings<U>) -> Result<(), ConfigError> {
    let storage = &s.storage;
    if storage.call_timeout.is_zero() {
        return Err(ConfigError::new(
            "store_timeout must be longer than zero, for example `store_timeout(Duration::from_millis(800))`",
        ));
    }
    check_positive("session_lifetime", Some(storage.session_lifetime))?;
    if storage.store.is_some() && s.redirects.use_session_for_next {
        // An anonymous visitor would need a server record just to keep `next`: anyone could
        // fill the store by asking for guarded pages.
        return Err(ConfigError::new(
            "use_session_for_next(true) needs the cookie store: with a server-side store nobody anonymous gets a session, so `next` travels in the query; remove use_session_for_next or the session_store",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_in_every_documented_form() {
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("15m"), Ok(Duration::from_secs(900)));
        assert_eq!(parse_duration("7h"), Ok(Duration::from_secs(7 * 3600)));
        assert_eq!(parse_duration("30d"), Ok(Duration::from_secs(30 * 86400)));
        assert_eq!(parse_duration("172800"), Ok(Duration::from_secs(172800)));
        for bad in [
            "",
            "d",
            "0d",
            "-1d",
            "1y",
            "1.5h",
            "99999999999999999999d",
            "123 days",
            "15 m",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn short_keys_are_refused_with_the_length_and_a_way_to_make_one() {
        assert!(check_key("the secret key", &[1; 32]).is_ok());
        let err = check_key("the secret key", &[1; 31]).unwrap_err().to_string();
        assert!(
            err.contains("31 bytes") && err.contains("openssl rand -hex 32"),
            "{err}"
        );
    }

    #[test]
    fn views_are_local_paths_or_http_urls_without_spaces_or_non_ascii() {
        for ok in ["/login", "/a/b?c=d", "https://accounts.example.com/login"] {
            assert!(check_view("login_view", ok).is_ok(), "{ok}");
        }
        for bad in [
            "login",
            "//evil.example",
            "",
            " ",
            "/log in",
            "/a\\b",
            "/登录",
            "ftp://x",
        ] {
            assert!(check_view("login_view", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn hosts_are_names_with_an_optional_port() {
        assert!(check_host("example.com:8443").is_ok());
        for bad in ["", "a/b", "a@b", "a b", "a?b"] {
            assert!(check_host(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn cookie_names_paths_and_prefixes_are_checked() {
        let ok = CookieSettings::named("session");
        assert!(check_cookie("session", "session", &ok).is_ok());
        let bad_name = CookieSettings {
            name: "a;b".into(),
            ..ok.clone()
        };
        assert!(
            check_cookie("session", "session", &bad_name)
                .unwrap_err()
                .to_string()
                .contains("session cookie")
        );
        let bad_path = CookieSettings {
            path: "app".into(),
            ..ok.clone()
        };
        assert!(check_cookie("session", "session", &bad_path).is_err());
        let host = CookieSettings {
            name: "__Host-s".into(),
            path: "/app".into(),
            ..ok.clone()
        };
        assert!(check_cookie("session", "session", &host).is_err());
        let none = CookieSettings {
            same_site: SameSite::None,
            secure: false,
            ..ok
        };
        assert!(check_cookie("session", "session", &none).is_err());
    }
}
