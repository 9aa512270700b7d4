//! How the "Active sessions" page shows a login: the browser and system read off its
//! User-Agent, and its times in UTC and relative to now.

use std::time::{SystemTime, UNIX_EPOCH};

use login_runtime::LiveSession;
use minijinja::{Value, context};

/// One row of the "Active sessions" page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    /// The login's handle, posted back to log it out.
    pub handle: String,
    /// "Chrome on Linux", from the User-Agent.
    pub name: String,
    /// The User-Agent itself (empty when the client sent none).
    pub user_agent: String,
    /// When it logged in, in UTC.
    pub logged_in: String,
    /// The same, relative: "3 hours ago".
    pub logged_in_ago: String,
    /// Its last recorded use, in UTC.
    pub last_seen: String,
    /// The same, relative.
    pub last_seen_ago: String,
    /// Whether "remember me" keeps it logged in after the browser closes.
    pub remembered: bool,
    /// Whether it is the browser looking at the page.
    pub current: bool,
}

impl Device {
    /// The row of `session`, with times relative to `now` (Unix seconds).
    pub fn of(session: &LiveSession, now: u64) -> Device {
        let last_seen = session.last_seen.max(session.created_at);
        Device {
            handle: session.handle.to_string(),
            name: describe(&session.user_agent),
            user_agent: session.user_agent.clone(),
            logged_in: utc(session.created_at),
            logged_in_ago: ago(session.created_at, now),
            last_seen: utc(last_seen),
            last_seen_ago: ago(last_seen, now),
            remembered: session.remembered,
            current: session.current,
        }
    }
}

/// What the template sees: every field, by name.
impl From<Device> for Value {
    fn from(d: Device) -> Value {
        context! {
            handle => d.handle,
            name => d.name,
            user_agent => d.user_agent,
            logged_in => d.logged_in,
            logged_in_ago => d.logged_in_ago,
            last_seen => d.last_seen,
            last_seen_ago => d.last_seen_ago,
            remembered => d.remembered,
            current => d.current,
        }
    }
}

/// Now, in Unix seconds.
pub fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// "Firefox on Windows" for a User-Agent; a rough guess, meant for people, not for decisions.
pub fn describe(user_agent: &str) -> String {
    // Most specific first: Edge and Opera also say Chrome, Chrome also says Safari.
    const BROWSERS: &[(&str, &str)] = &[
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("HeadlessChrome/", "Headless Chrome"),
        ("Chrome/", "Chrome"),
        ("CriOS/", "Chrome"),
        ("Safari/", "Safari"),
        ("curl/", "curl"),
    ];
    const SYSTEMS: &[(&str, &str)] = &[
        ("Android", "Android"),
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ];
    let find = |table: &[(&str, &'static str)]| {
        table
            .iter()
            .find(|(marker, _)| user_agent.contains(marker))
            .map(|&(_, name)| name)
    };
    match (find(BROWSERS), find(SYSTEMS)) {
        (Some(browser), Some(system)) => format!("{browser} on {system}"),
        (Some(browser), None) => browser.to_owned(),
        (None, Some(system)) => format!("A browser on {system}"),
        (None, None) if user_agent.trim().is_empty() => "Unknown device".to_owned(),
        (None, None) => "Unknown browser".to_owned(),
    }
}

/// Unix seconds as `2024-03-09 17:05 UTC`.
pub fn utc(secs: u64) -> String {
    let days = i64::try_from(secs / 86_400).unwrap_or(i64::MAX / 2);
    let (year, month, day) = civil_from_days(days);
    let of_day = secs % 86_400;
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        of_day / 3600,
        of_day % 3600 / 60
    )
}

/// The date of a day count since 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// How long before `now` the time `then` was: "just now", "5 minutes ago", "2 days ago".
pub fn ago(then: u64, now: u64) -> String {
    let secs = now.saturating_sub(then);
    let (n, unit) = match secs {
        0..60 => return "just now".to_owned(),
        60..3600 => (secs / 60, "minute"),
        3600..86_400 => (secs / 3600, "hour"),
        _ => (secs / 86_400, "day"),
    };
    let plural = if n == 1 { "" } else { "s" };
    format!("{n} {unit}{plural} ago")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_agents_are_named_for_people() {
        let chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) \
                      Chrome/126.0.0.0 Safari/537.36";
        assert_eq!(describe(chrome), "Chrome on Linux");
        let edge = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) \
                    Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0";
        assert_eq!(describe(edge), "Edge on Windows");
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 \
                      (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
        assert_eq!(describe(iphone), "Safari on iPhone");
        assert_eq!(
            describe("Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:127.0) Gecko/20100101 Firefox/127.0"),
            "Firefox on macOS"
        );
        assert_eq!(describe("curl/8.5.0"), "curl");
        assert_eq!(describe("something"), "Unknown browser");
        assert_eq!(describe(""), "Unknown device");
    }

    #[test]
    fn times_are_shown_in_utc_and_relative_to_now() {
        assert_eq!(utc(0), "1970-01-01 00:00 UTC");
        assert_eq!(utc(951_782_400), "2000-02-29 00:00 UTC");
        assert_eq!(utc(1_709_999_999), "2024-03-09 15:59 UTC");
        assert_eq!(utc(4_102_444_800), "2100-01-01 00:00 UTC");
        assert_eq!(ago(100, 100), "just now");
        assert_eq!(ago(200, 100), "just now", "a clock step back is not negative");
        assert_eq!(ago(0, 61), "1 minute ago");
        assert_eq!(ago(0, 7300), "2 hours ago");
        assert_eq!(ago(0, 3 * 86_400), "3 days ago");
    }
}
