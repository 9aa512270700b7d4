//! The two small grammars that `login-runtime` reads at start-up and `login-macros` reads at
//! compile time, written once so that the two can never disagree: durations (`max_age = "15m"`,
//! `parse_duration("30d")`) and login/refresh views (`login_view = "/login"`).
//!
//! Both return an error whose message says what is wrong and how to fix it. The message starts
//! with the input in backticks, so a caller can put the name of the setting in front of it
//! (`login_view `login` is not a URL: ...`) or show it as is at the offending literal.
//!
//! # Durations
//!
//! [`parse_duration_secs`] reads a positive whole number, optionally followed by a unit written
//! right after it:
//!
//! | unit | meaning | example | seconds |
//! | --- | --- | --- | --- |
//! | none | seconds | `900` | 900 |
//! | `s` | seconds | `30s` | 30 |
//! | `m` | minutes | `15m` | 900 |
//! | `h` | hours | `12h` | 43 200 |
//! | `d` | days | `30d` | 2 592 000 |
//! | `w` | weeks | `2w` | 1 209 600 |
//!
//! White space around the whole value is ignored (a value read from a file or an environment
//! variable often ends with a newline). Everything else is refused, each with its reason:
//!
//! - a space between the number and the unit (`15 m`): a duration is one word, as it is written
//!   everywhere in the documentation; the error says to remove the space;
//! - zero (`0s`, `0m`): no login lasts no time, and `max_age = "0s"` would refuse every login;
//! - a number too large to count in seconds as a `u64`;
//! - anything else: a sign (`-1s`, `+1s`), a fraction (`1.5h`), a combination (`1h30m`; write
//!   `90m`), a word (`15min`, `15 minutes`), an upper-case unit (`15M` could be minutes or
//!   months). Leading zeros are allowed (`007s` is 7 seconds).
//!
//! ```
//! use login_grammar::{DurationError, parse_duration_secs};
//!
//! assert_eq!(parse_duration_secs("15m"), Ok(900));
//! assert_eq!(parse_duration_secs("172800\n"), Ok(172_800));
//! assert!(matches!(parse_duration_secs("15 m"), Err(DurationError::SpaceBeforeUnit { .. })));
//! ```
//!
//! # Views
//!
//! [`check_view`] accepts what can go into a `Location` header as written and keeps the user on a
//! site the application chose: a path that starts with one `/` (`/login`, not `//host`, which a
//! browser reads as another host), or an absolute `http://` or `https://` URL. It must be ASCII,
//! without white space, control characters or backslashes: percent-encode them.
//!
//! ```
//! use login_grammar::check_view;
//!
//! assert_eq!(check_view("/login"), Ok(()));
//! assert_eq!(check_view("https://sso.example/login"), Ok(()));
//! let err = check_view("login").unwrap_err();
//! assert!(err.to_string().starts_with("`login` is not a URL: give a path starting with `/`"));
//! ```

#![forbid(unsafe_code)]

mod duration;
mod view;

pub use duration::{DurationError, parse_duration_secs};
pub use view::{ViewError, check_view};

/// The test tables of both grammars are read the same way.
#[cfg(test)]
mod table {
    use std::fmt::Debug;

    /// One case: an input and the value it parses to, or the variant it is refused with (a
    /// function that fills it with the input).
    pub(crate) type Case<T, E> = (&'static str, Result<T, fn(String) -> E>);

    /// Runs `parse` on every case of a table.
    pub(crate) fn check<T, E>(parse: fn(&str) -> Result<T, E>, cases: &[Case<T, E>])
    where
        T: Copy + Debug + PartialEq,
        E: Debug + PartialEq,
    {
        for (input, expected) in cases {
            let expected = expected.map_err(|refused| refused((*input).to_owned()));
            assert_eq!(parse(input), expected, "{input:?}");
        }
    }
}
