//! Login and refresh views: where a refused request is redirected, as written in its `Location`
//! header.

use std::fmt;

/// Checks a login or refresh view: a path starting with one `/`, or an absolute `http://` or
/// `https://` URL; ASCII, without white space, control characters or backslashes (percent-encode
/// them). The checks run in that order, so an error names the first problem.
///
/// ```
/// use login_grammar::check_view;
///
/// assert_eq!(check_view("/login"), Ok(()));
/// assert_eq!(check_view("/%E7%99%BB%E5%BD%95"), Ok(()));
/// assert_eq!(check_view("https://sso.example/login?app=1"), Ok(()));
/// let err = check_view("/log in").unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "`/log in` contains ' ', which a URL cannot hold as is: remove it or percent-encode it \
///      (a space is `%20`)"
/// );
/// ```
pub fn check_view(view: &str) -> Result<(), ViewError> {
    if view.starts_with("//") {
        return Err(ViewError::ProtocolRelative {
            view: view.to_owned(),
        });
    }
    if !(view.starts_with('/') || view.starts_with("http://") || view.starts_with("https://")) {
        return Err(ViewError::NotAUrl {
            view: view.to_owned(),
        });
    }
    if let Some(found) = view
        .chars()
        .find(|&c| c.is_whitespace() || c.is_control() || c == '\\')
    {
        return Err(ViewError::Unencoded {
            view: view.to_owned(),
            found,
        });
    }
    if !view.is_ascii() {
        return Err(ViewError::NonAscii {
            view: view.to_owned(),
        });
    }
    Ok(())
}

/// Why [`check_view`] refused a view. Each variant holds the view as given; the message
/// (`Display`) starts with it in backticks and says how to fix it.
///
/// ```
/// use login_grammar::{ViewError, check_view};
///
/// assert!(matches!(check_view("/登录"), Err(ViewError::NonAscii { .. })));
/// // A caller names the setting in front of the message:
/// let err = check_view("login").unwrap_err();
/// assert_eq!(
///     format!("login_view {err}"),
///     "login_view `login` is not a URL: give a path starting with `/` (for example `/login`) or \
///      an absolute http(s) URL"
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ViewError {
    /// Neither a path nor an http(s) URL: `login`, `javascript:alert(1)`, `ftp://host/`, or
    /// nothing at all.
    NotAUrl {
        /// The view, as given.
        view: String,
    },
    /// A path starting with `//`, which a browser reads as the address of another host:
    /// `//evil.example/login`.
    ProtocolRelative {
        /// The view, as given.
        view: String,
    },
    /// A character that a URL cannot hold unencoded (white space, a control character or a
    /// backslash): `/log in`.
    Unencoded {
        /// The view, as given.
        view: String,
        /// The first such character.
        found: char,
    },
    /// A character outside ASCII, which a `Location` header cannot carry: `/登录`.
    NonAscii {
        /// The view, as given.
        view: String,
    },
}

impl fmt::Display for ViewError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ViewError::NotAUrl { view } => write!(
                f,
                "`{}` is not a URL: give a path starting with `/` (for example `/login`) or an absolute http(s) URL",
                view.escape_debug()
            ),
            ViewError::ProtocolRelative { view } => write!(
                f,
                "`{}` is not a URL: a path starting with `//` names another host; give a path starting with one `/` (for example `/login`) or an absolute http(s) URL",
                view.escape_debug()
            ),
            ViewError::Unencoded { view, found } => write!(
                f,
                "`{}` contains {found:?}, which a URL cannot hold as is: remove it or percent-encode it (a space is `%20`)",
                view.escape_debug()
            ),
            ViewError::NonAscii { view } => write!(
                f,
                "`{}` has non-ASCII characters, which a `Location` header cannot carry: percent-encode them (for example `/登录` as `/%E7%99%BB%E5%BD%95`)",
                view.escape_debug()
            ),
        }
    }
}

impl std::error::Error for ViewError {}

#[cfg(test)]
mod tests {
    use super::{ViewError, check_view};
    use crate::table::Case;

    #[test]
    fn every_accepted_and_refused_form() {
        let not = |view| ViewError::NotAUrl { view };
        let protocol_relative = |view| ViewError::ProtocolRelative { view };
        let non_ascii = |view| ViewError::NonAscii { view };
        let space = |view| ViewError::Unencoded { view, found: ' ' };
        let tab = |view| ViewError::Unencoded { view, found: '\t' };
        let newline = |view| ViewError::Unencoded { view, found: '\n' };
        let backslash = |view| ViewError::Unencoded { view, found: '\\' };
        let nul = |view| ViewError::Unencoded { view, found: '\0' };
        let nbsp = |view| ViewError::Unencoded {
            view,
            found: '\u{a0}',
        };
        let cases: &[Case<(), ViewError>] = &[
            ("/", Ok(())),
            ("/login", Ok(())),
            ("/login?next=%2F&a=1#top", Ok(())),
            ("/%E7%99%BB%E5%BD%95", Ok(())),
            ("/a/b/../c", Ok(())),
            ("http://x/y", Ok(())),
            ("https://sso.example/login", Ok(())),
            ("https://sso.example:8443/login?app=1", Ok(())),
            // The shape.
            ("", Err(not)),
            (" ", Err(not)),
            ("login", Err(not)),
            (" /login", Err(not)),
            ("javascript:alert(1)", Err(not)),
            ("ftp://files.example/", Err(not)),
            ("HTTPS://sso.example/", Err(not)),
            ("\\\\evil.example", Err(not)),
            ("\u{feff}//evil.example", Err(not)),
            ("／／evil.example", Err(not)),
            ("//evil.example", Err(protocol_relative)),
            ("///evil.example", Err(protocol_relative)),
            // Characters to percent-encode.
            ("/log in", Err(space)),
            ("/login ", Err(space)),
            ("/tab\there", Err(tab)),
            ("/a\nLocation: //evil", Err(newline)),
            ("/a\\b", Err(backslash)),
            ("/\\evil.example", Err(backslash)),
            ("https://a.example/\0", Err(nul)),
            ("/a\u{a0}b", Err(nbsp)),
            ("/登录", Err(non_ascii)),
            ("/\u{feff}x", Err(non_ascii)),
            ("https://例え.jp/login", Err(non_ascii)),
        ];
        crate::table::check(check_view, cases);
    }

    #[test]
    fn messages_show_the_view_and_the_fix() {
        let message = |input| check_view(input).unwrap_err().to_string();
        assert_eq!(
            message("//evil.example"),
            "`//evil.example` is not a URL: a path starting with `//` names another host; give a path starting with one `/` (for example `/login`) or an absolute http(s) URL"
        );
        assert_eq!(
            message("/a\\b"),
            "`/a\\\\b` contains '\\\\', which a URL cannot hold as is: remove it or percent-encode it (a space is `%20`)"
        );
        assert_eq!(
            message("/登录"),
            "`/登录` has non-ASCII characters, which a `Location` header cannot carry: percent-encode them (for example `/登录` as `/%E7%99%BB%E5%BD%95`)"
        );
        assert_eq!(
            message("/\u{feff}x"),
            "`/\\u{feff}x` has non-ASCII characters, which a `Location` header cannot carry: percent-encode them (for example `/登录` as `/%E7%99%BB%E5%BD%95`)"
        );
    }
}
