//! Compile-time parsing of `max_age = "15m"`-style durations.

/// Seconds in `text` (`30s`, `15m`, `7h`, `30d`, `2w`, or a bare number of seconds).
pub(crate) fn parse_secs(text: &str) -> Option<u64> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let unit: u64 = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 604_800,
        _ => return None,
    };
    digits.parse::<u64>().ok().filter(|n| *n > 0)?.checked_mul(unit)
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
        }
    }
}
