//! The routes a login-by-default [`LoginScope`](crate::LoginScope) leaves open: path patterns
//! relative to the scope, matched against the part of the request path below it.

/// One segment of a public pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Segment {
    /// This text, exactly.
    Literal(String),
    /// `{name}`: any one non-empty segment.
    Any,
    /// A final `*`: the rest of the path, zero or more segments.
    Rest,
}

/// A public path pattern: `/login`, `/reset/{token}`, `/static/*`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PublicPath(Vec<Segment>);

impl PublicPath {
    /// Parses a pattern; the error says what is wrong and how to write it.
    pub(crate) fn parse(pattern: &str) -> Result<Self, String> {
        let fix = "write a path below the scope such as `/login`, `/reset/{token}` or `/static/*`";
        let Some(rest) = pattern.strip_prefix('/') else {
            return Err(format!(
                "LoginScope::public({pattern:?}): the pattern must start with `/`: {fix}"
            ));
        };
        let parts: Vec<&str> = rest.split('/').collect();
        let mut segments = Vec::with_capacity(parts.len());
        for (i, part) in parts.iter().enumerate() {
            let last = i + 1 == parts.len();
            let segment = if *part == "*" && last {
                Segment::Rest
            } else if part.starts_with('{')
                && part.ends_with('}')
                && part.len() > 2
                && !part[1..part.len() - 1].contains(['{', '}'])
            {
                Segment::Any
            } else if part.contains(['{', '}', '*', '?', '#']) {
                return Err(format!(
                    "LoginScope::public({pattern:?}): `{part}` is not a path segment, a `{{name}}` placeholder or a final `*`: {fix}"
                ));
            } else {
                Segment::Literal((*part).to_owned())
            };
            segments.push(segment);
        }
        Ok(PublicPath(segments))
    }

    /// Whether `path` (the request path below the scope, `/login` or empty for the scope's
    /// root) matches.
    pub(crate) fn matches(&self, path: &str) -> bool {
        let path = path.strip_prefix('/').unwrap_or(path);
        let mut parts = path.split('/');
        for segment in &self.0 {
            match segment {
                Segment::Rest => return true,
                Segment::Literal(text) => {
                    if parts.next() != Some(text.as_str()) {
                        return false;
                    }
                }
                Segment::Any => {
                    if parts.next().is_none_or(str::is_empty) {
                        return false;
                    }
                }
            }
        }
        parts.next().is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::PublicPath;

    fn matches(pattern: &str, path: &str) -> bool {
        PublicPath::parse(pattern).unwrap().matches(path)
    }

    #[test]
    fn literals_match_exactly() {
        assert!(matches("/login", "/login"));
        assert!(!matches("/login", "/login/"));
        assert!(!matches("/login", "/login/x"));
        assert!(!matches("/login", "/logins"));
        assert!(!matches("/login", "/Login"));
        assert!(matches("/", "/"));
        assert!(matches("/", ""));
        assert!(!matches("/", "/x"));
    }

    #[test]
    fn placeholders_match_one_segment_and_a_final_star_the_rest() {
        assert!(matches("/reset/{token}", "/reset/abc"));
        assert!(!matches("/reset/{token}", "/reset/"));
        assert!(!matches("/reset/{token}", "/reset/a/b"));
        assert!(matches("/static/*", "/static/"));
        assert!(matches("/static/*", "/static/css/site.css"));
        assert!(!matches("/static/*", "/staticfiles/x"));
    }

    #[test]
    fn bad_patterns_say_how_to_write_them() {
        for bad in ["login", "/a*", "/{x", "/*/b", "/a?b", "/{}"] {
            let err = PublicPath::parse(bad).unwrap_err();
            assert!(err.contains("/reset/{token}"), "{bad}: {err}");
        }
    }
}
