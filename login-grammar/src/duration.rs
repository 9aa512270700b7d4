//! Durations: `30s`, `15m`, `12h`, `30d`, `2w`, or a bare number of seconds.

use std::fmt;

/// The units, each with its length in seconds.
const UNITS: [(&str, u64); 5] = [("s", 1), ("m", 60), ("h", 3600), ("d", 86_400), ("w", 604_800)];

/// Parses a duration into whole seconds: a positive whole number, optionally followed right
/// away by `s`, `m`, `h`, `d` or `w`; a bare number is seconds. White space around the whole
/// value is ignored. The [crate documentation](crate#durations) lists what is refused and why.
///
/// ```
/// use login_grammar::parse_duration_secs;
///
/// assert_eq!(parse_duration_secs("15m"), Ok(900));
/// assert_eq!(parse_duration_secs("2w"), Ok(14 * 86_400));
/// assert_eq!(parse_duration_secs(" 30 "), Ok(30));
/// let err = parse_duration_secs("soon").unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "`soon` is not a duration: write a positive whole number, optionally followed by s, m, h, d \
///      or w (seconds, minutes, hours, days, weeks), for example `15m`"
/// );
/// ```
pub fn parse_duration_secs(text: &str) -> Result<u64, DurationError> {
    let t = text.trim();
    let at = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(at);
    let refused = |reason: fn(String) -> DurationError| Err(reason(text.to_owned()));
    if digits.is_empty() {
        return refused(|text| DurationError::NotADuration { text });
    }
    let unit_secs = match unit {
        "" => 1,
        _ => match unit_secs(unit) {
            Some(secs) => secs,
            None if unit.starts_with(char::is_whitespace) && unit_secs(unit.trim_start()).is_some() => {
                return refused(|text| DurationError::SpaceBeforeUnit { text });
            }
            None => return refused(|text| DurationError::NotADuration { text }),
        },
    };
    // Only ASCII digits are left, so parsing fails only when the number overflows.
    match digits.parse::<u64>().map(|n| (n, n.checked_mul(unit_secs))) {
        Ok((0, _)) => refused(|text| DurationError::Zero { text }),
        Ok((_, Some(secs))) => Ok(secs),
        Ok((_, None)) | Err(_) => refused(|text| DurationError::TooLarge { text }),
    }
}

/// The length in seconds of a unit (`m`), if it is one.
fn unit_secs(unit: &str) -> Option<u64> {
    UNITS.iter().find(|(u, _)| *u == unit).map(|&(_, secs)| secs)
}

/// Why [`parse_duration_secs`] refused its input. Each variant holds the input as given; the
/// message (`Display`) starts with it in backticks and says how to fix it.
///
/// ```
/// use login_grammar::{DurationError, parse_duration_secs};
///
/// match parse_duration_secs("0m") {
///     Err(DurationError::Zero { text }) => assert_eq!(text, "0m"),
///     other => panic!("{other:?}"),
/// }
/// // A caller names the setting in front of the message:
/// let err = parse_duration_secs("15 m").unwrap_err();
/// assert_eq!(
///     format!("REMEMBER_COOKIE_DURATION: {err}"),
///     "REMEMBER_COOKIE_DURATION: `15 m` is not a duration: write the unit right after the \
///      number, without a space, as in `15m`"
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DurationError {
    /// Not a positive whole number with an optional known unit: `soon`, `1.5h`, `-1s`, `15min`,
    /// `15 minutes`, or nothing at all.
    NotADuration {
        /// The input, as given.
        text: String,
    },
    /// A known unit, but after a space: `15 m`.
    SpaceBeforeUnit {
        /// The input, as given.
        text: String,
    },
    /// Zero of any unit: `0s`, `0m`.
    Zero {
        /// The input, as given.
        text: String,
    },
    /// More seconds than a `u64` holds: `99999999999999999999w`.
    TooLarge {
        /// The input, as given.
        text: String,
    },
}

impl fmt::Display for DurationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DurationError::NotADuration { text } => write!(
                f,
                "`{}` is not a duration: write a positive whole number, optionally followed by s, m, h, d or w (seconds, minutes, hours, days, weeks), for example `15m`",
                text.escape_debug()
            ),
            DurationError::SpaceBeforeUnit { text } => write!(
                f,
                "`{}` is not a duration: write the unit right after the number, without a space, as in `{}`",
                text.escape_debug(),
                text.split_whitespace().collect::<String>().escape_debug()
            ),
            DurationError::Zero { text } => write!(
                f,
                "`{}` is zero, and a duration must be at least one second: write a positive number, for example `15m`",
                text.escape_debug()
            ),
            DurationError::TooLarge { text } => write!(
                f,
                "`{}` is too large to count in seconds: use a smaller number, for example `365d`",
                text.escape_debug()
            ),
        }
    }
}

impl std::error::Error for DurationError {}

#[cfg(test)]
mod tests {
    use super::{DurationError, parse_duration_secs};
    use crate::table::Case;

    #[test]
    fn every_accepted_and_refused_form() {
        let not = |text| DurationError::NotADuration { text };
        let space = |text| DurationError::SpaceBeforeUnit { text };
        let zero = |text| DurationError::Zero { text };
        let large = |text| DurationError::TooLarge { text };
        let cases: &[Case<u64, DurationError>] = &[
            // Each unit, and none.
            ("30", Ok(30)),
            ("30s", Ok(30)),
            ("15m", Ok(900)),
            ("12h", Ok(43_200)),
            ("30d", Ok(2_592_000)),
            ("2w", Ok(1_209_600)),
            ("172800", Ok(172_800)),
            // White space around the whole value, leading zeros.
            ("  15m\n", Ok(900)),
            ("\t7s ", Ok(7)),
            ("007s", Ok(7)),
            ("1s", Ok(1)),
            ("18446744073709551615", Ok(u64::MAX)),
            ("18446744073709551615s", Ok(u64::MAX)),
            // A space inside.
            ("15 m", Err(space)),
            ("15\tm", Err(space)),
            (" 2  w ", Err(space)),
            // Zero.
            ("0", Err(zero)),
            ("0s", Err(zero)),
            ("000m", Err(zero)),
            // Too large.
            ("18446744073709551616", Err(large)),
            ("99999999999999999999", Err(large)),
            ("99999999999999999999w", Err(large)),
            ("18446744073709551615w", Err(large)),
            ("30500568904944w", Err(large)),
            // Not a duration at all.
            ("", Err(not)),
            ("   ", Err(not)),
            ("m", Err(not)),
            ("soon", Err(not)),
            ("-1s", Err(not)),
            ("+1s", Err(not)),
            ("1.5h", Err(not)),
            ("1h30m", Err(not)),
            ("15min", Err(not)),
            ("15 minutes", Err(not)),
            ("123 days", Err(not)),
            ("15M", Err(not)),
            ("1y", Err(not)),
            ("15m s", Err(not)),
            ("1 5m", Err(not)),
            ("١٥m", Err(not)),
            ("15ｍ", Err(not)),
        ];
        crate::table::check(parse_duration_secs, cases);
    }

    #[test]
    fn messages_show_the_input_and_the_fix() {
        let message = |input| parse_duration_secs(input).unwrap_err().to_string();
        assert_eq!(
            message("15 minutes"),
            "`15 minutes` is not a duration: write a positive whole number, optionally followed by s, m, h, d or w (seconds, minutes, hours, days, weeks), for example `15m`"
        );
        assert_eq!(
            message(" 15\tm"),
            "` 15\\tm` is not a duration: write the unit right after the number, without a space, as in `15m`"
        );
        assert_eq!(
            message("0m"),
            "`0m` is zero, and a duration must be at least one second: write a positive number, for example `15m`"
        );
        assert_eq!(
            message("99999999999999999999w"),
            "`99999999999999999999w` is too large to count in seconds: use a smaller number, for example `365d`"
        );
    }
}
