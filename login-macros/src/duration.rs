//! Compile-time parsing of `max_age = "15m"`-style durations.

/// Seconds in `text` (`30s`, `15m`, `7h`, `30d`, `2w`, or a bare number of seconds).
pub(crate) fn parse_secs(text: &str) -> Option<u64> {
    let (digits, unit) = split(text)?;
    digits.parse::<u64>().ok().filter(|n| *n > 0)?.checked_mul(unit)
}

/// Whether `text` is well formed but too large to count in seconds (`99999999999999999999w`).
pub(crate) fn overflows(text: &str) -> bool {
    split(text).is_some_and(|(digits, unit)| {
        !digits.is_empty()
            && digits
                .parse::<u64>()
                .map_or(true, |n| n.checked_mul(unit).is_none())
    })
}

/// The digits and the unit's length in seconds, if the unit is one we know.
fn split(text: &str) -> Option<(&str, u64)> {
    let t = text.trim();
    let at = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(at);
    let unit = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 604_800,
        _ => return None,
    };
    Some((digits, unit))
}

#[cfg(test)]
mod tests {
    #[test]
    fn parses_the_documented_forms_only() {
        assert_eq!(super::parse_secs("15m"), Some(900));
        assert_eq!(super::parse_secs("2h"), Some(7200));
        assert_eq!(super::parse_secs("30"), Some(30));
        for bad in ["", "m", "0m", "1.5h", "15 minutes", "-1s"] {
            assert_eq!(super::parse_secs(bad), None, "{bad:?}");
            assert!(!super::overflows(bad), "{bad:?}");
        }
        for huge in [
            "99999999999999999999w",
            "18446744073709551615w",
            "99999999999999999999",
        ] {
            assert_eq!(super::parse_secs(huge), None, "{huge:?}");
            assert!(super::overflows(huge), "{huge:?}");
        }
    }
}
