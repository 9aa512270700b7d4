//! Redirect URLs: Flask-Login's `login_url` and `make_next_param`, and the safe-`next` check.

/// The parts of a URL this module needs: `scheme://netloc` and the rest.
struct UrlParts<'a> {
    scheme: &'a str,
    netloc: &'a str,
    /// Path, query and fragment.
    rest: &'a str,
}

fn split_url(url: &str) -> UrlParts<'_> {
    let (scheme, after_scheme) = match url.find("://") {
        Some(i)
            if url[..i]
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
                && i > 0 =>
        {
            (&url[..i], &url[i + 1..])
        }
        _ => ("", url),
    };
    if let Some(after) = after_scheme.strip_prefix("//") {
        let end = after.find(['/', '?', '#']).unwrap_or(after.len());
        UrlParts {
            scheme,
            netloc: &after[..end],
            rest: &after[end..],
        }
    } else {
        UrlParts {
            scheme,
            netloc: "",
            rest: after_scheme,
        }
    }
}

/// The longest `next` accepted by [`is_safe_next`], in bytes; a longer one is never stored.
pub(crate) const MAX_NEXT_LEN: usize = 2048;

fn without_fragment(s: &str) -> &str {
    s.split_once('#').map_or(s, |(before, _)| before)
}

/// The `next` value for `current_url` when redirecting to `login_url`: only the path and query
/// when the login view is on the same scheme and host (or relative), the full URL otherwise.
/// Fragments are dropped. Flask-Login's `make_next_param`.
///
/// ```
/// use login_runtime::make_next_param;
/// assert_eq!(make_next_param("/login", "http://localhost/profile"), "/profile");
/// assert_eq!(
///     make_next_param("https://localhost/login", "http://localhost/profile"),
///     "http://localhost/profile"
/// );
/// ```
pub fn make_next_param(login_url: &str, current_url: &str) -> String {
    let login = split_url(login_url);
    let current = split_url(current_url);
    let same_scheme = login.scheme.is_empty() || login.scheme.eq_ignore_ascii_case(current.scheme);
    let same_host = login.netloc.is_empty() || login.netloc.eq_ignore_ascii_case(current.netloc);
    if same_scheme && same_host {
        let rest = without_fragment(current.rest);
        if rest.is_empty() {
            "/".to_owned()
        } else {
            rest.to_owned()
        }
    } else {
        current_url.to_owned()
    }
}

/// The login URL with `next_field=<next>` appended to its query (existing parameters first),
/// and the host replaced by `force_host` when given. Flask-Login's `login_url`.
///
/// ```
/// use login_runtime::login_url;
/// assert_eq!(login_url("/login", Some("http://localhost/protected"), "next", None), "/login?next=%2Fprotected");
/// assert_eq!(
///     login_url("/login?affil=cgnu", Some("/protected"), "next", None),
///     "/login?affil=cgnu&next=%2Fprotected"
/// );
/// assert_eq!(login_url("/login", Some("/secret"), "next", Some("good.com")), "//good.com/login?next=%2Fsecret");
/// assert_eq!(login_url("/foo", None, "next", None), "/foo");
/// ```
pub fn login_url(
    login_view: &str,
    next_url: Option<&str>,
    next_field: &str,
    force_host: Option<&str>,
) -> String {
    let Some(next_url) = next_url else {
        return login_view.to_owned();
    };
    let next = make_next_param(login_view, next_url);
    let parts = split_url(login_view);
    let (path_and_query, fragment) = match parts.rest.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (parts.rest, None),
    };
    let mut out = String::with_capacity(login_view.len() + next.len() * 3 + 16);
    match (force_host, parts.scheme.is_empty()) {
        (Some(host), true) => {
            out.push_str("//");
            out.push_str(host);
        }
        (Some(host), false) => {
            out.push_str(parts.scheme);
            out.push_str("://");
            out.push_str(host);
        }
        (None, true) if !parts.netloc.is_empty() => {
            out.push_str("//");
            out.push_str(parts.netloc);
        }
        (None, true) => {}
        (None, false) => {
            out.push_str(parts.scheme);
            out.push_str("://");
            out.push_str(parts.netloc);
        }
    }
    out.push_str(path_and_query);
    out.push(if path_and_query.contains('?') { '&' } else { '?' });
    out.extend(form_urlencoded::byte_serialize(next_field.as_bytes()));
    out.push('=');
    out.extend(form_urlencoded::byte_serialize(next.as_bytes()));
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

/// Whether `url` is a safe place to redirect to after a login: a path on this site, or an
/// absolute `http`/`https` URL whose host is in `allowed_hosts`.
///
/// Modelled on Django's `url_has_allowed_host_and_scheme`, and stricter: scheme-relative `//`
/// URLs, backslashes anywhere, control characters and whitespace, userinfo, other schemes, and
/// their percent-encoded forms are all refused.
///
/// ```
/// use login_runtime::is_safe_next;
/// assert!(is_safe_next("/protected?tab=2", &[]));
/// assert!(!is_safe_next("//evil.example/", &[]));
/// assert!(!is_safe_next("/\\evil.example", &[]));
/// assert!(!is_safe_next("https://evil.example/", &[]));
/// assert!(is_safe_next("https://app.example/home", &["app.example".to_owned()]));
/// ```
pub fn is_safe_next(url: &str, allowed_hosts: &[String]) -> bool {
    if url.is_empty() || url.len() > MAX_NEXT_LEN {
        return false;
    }
    // Raw input: printable ASCII only, no backslash. Anything else (spaces, control characters,
    // raw non-ASCII that cannot even be a `Location` header) must arrive percent-encoded.
    if !url.bytes().all(|b| (0x21..0x7f).contains(&b) && b != b'\\') {
        return false;
    }
    // Decode until stable, so a second decoder further down the line finds nothing new.
    let Some(decoded) = fully_decoded(url) else {
        return false;
    };
    let bad_decoded_char = |c: char| c.is_control() || c == '\\' || is_slash_confusable(c);
    if decoded.chars().any(bad_decoded_char)
        || decoded.starts_with(char::is_whitespace)
        || decoded.starts_with("//")
    {
        return false;
    }
    let decoded_path = decoded.split(['?', '#']).next().unwrap_or("");
    if decoded_path
        .split('/')
        .any(|segment| segment == "." || segment == "..")
    {
        // `/.//evil` normalises to `//evil`.
        return false;
    }
    if let Some(path) = url.strip_prefix('/') {
        // A single leading slash: a path on this site (but not `//host`).
        return !path.starts_with('/');
    }
    let parts = split_url(url);
    if parts.scheme.is_empty() {
        // Relative paths without a leading slash (`profile`) stay on this site, unless they
        // look like a scheme (`javascript:alert(1)`) or userinfo (`@evil`).
        return !decoded.contains([':', '@']) && !url.starts_with('.');
    }
    let scheme_ok = parts.scheme.eq_ignore_ascii_case("http") || parts.scheme.eq_ignore_ascii_case("https");
    if !scheme_ok || parts.netloc.is_empty() || decoded.contains('@') {
        return false;
    }
    let host = parts.netloc.to_ascii_lowercase();
    allowed_hosts.contains(&host)
}

/// `url` percent-decoded until it stops changing, or `None` if it keeps changing after four
/// rounds (nobody encodes a real target five times).
fn fully_decoded(url: &str) -> Option<String> {
    let mut current = url.to_owned();
    for _ in 0..4 {
        let next = percent_decode_lossy(&current);
        if next == current {
            return Some(current);
        }
        current = next;
    }
    None
}

/// Characters that render as, or normalise (NFKC) to, a slash or a backslash, and invisible
/// format characters that hide one.
fn is_slash_confusable(c: char) -> bool {
    matches!(
        c,
        '\u{2044}' | '\u{2215}' | '\u{2216}' | '\u{2571}' | '\u{29F5}' | '\u{29F8}' | '\u{29F9}'
            | '\u{FE68}' | '\u{FF0F}' | '\u{FF3C}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{FFFD}'
    )
}

fn percent_decode_lossy(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn make_next_param_keeps_only_path_for_same_origin() {
        // Flask-Login §2.9 items 85-87.
        assert_eq!(make_next_param("/login", "http://localhost/profile"), "/profile");
        assert_eq!(
            make_next_param("https://localhost/login", "http://localhost/profile"),
            "http://localhost/profile"
        );
        assert_eq!(
            make_next_param("http://accounts.localhost/login", "http://localhost/profile"),
            "http://localhost/profile"
        );
        assert_eq!(make_next_param("/login", "/p?x=1#frag"), "/p?x=1");
    }

    #[test]
    fn login_url_generation_matches_flask_login() {
        // Flask-Login §2.9 items 88-91, 93 and §2.14 P21.
        assert_eq!(
            login_url("/login", Some("http://localhost/protected"), "n", None),
            "/login?n=%2Fprotected"
        );
        assert_eq!(
            login_url(
                "https://auth.localhost/login",
                Some("http://localhost/protected"),
                "next",
                None
            ),
            "https://auth.localhost/login?next=http%3A%2F%2Flocalhost%2Fprotected"
        );
        assert_eq!(
            login_url("/login", Some("/p?x=1&y=2"), "next", None),
            "/login?next=%2Fp%3Fx%3D1%26y%3D2"
        );
        assert_eq!(
            login_url("/login", Some("/p?x=a%20b"), "next", None),
            "/login?next=%2Fp%3Fx%3Da%2520b"
        );
        assert_eq!(
            login_url(
                "https://auth.example/login",
                Some("http://app.example/p?a=1"),
                "next",
                Some("good.com")
            ),
            "https://good.com/login?next=http%3A%2F%2Fapp.example%2Fp%3Fa%3D1"
        );
    }

    #[test]
    fn unsafe_next_targets_are_refused() {
        for bad in [
            "",
            "//evil.com",
            "///evil.com",
            "/\\evil.com",
            "\\\\evil.com",
            "http://evil.com",
            "https://evil.com/path",
            "javascript:alert(1)",
            "data:text/html,x",
            "/%2F%2Fevil.com",
            "/%5Cevil.com",
            " /x",
            "/x\n",
            "http://user@localhost/",
            "ftp://localhost/",
            "%2F%2Fevil.com",
            "http:/evil.com",
            "https:evil.com",
        ] {
            assert!(
                !is_safe_next(bad, &["localhost".into()]),
                "{bad:?} must be refused"
            );
        }
        for good in [
            "/",
            "/protected",
            "/p?next=%2Fx",
            "profile",
            "http://localhost/ok",
        ] {
            assert!(
                is_safe_next(good, &["localhost".into()]),
                "{good:?} must be accepted"
            );
        }
    }
}
