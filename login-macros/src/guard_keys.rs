//! The guards' option keys: each guard's known keys, the check that reports unknown and
//! repeated ones with a fix ("did you mean"), before darling parses the rest.

use darling::ast::NestedMeta;

use crate::args::key;
use crate::guard::Kind;

/// The options each guard takes, as written.
fn known_keys(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Login => &["login_view", "json", "html", "permission", "check", "user"],
        Kind::Anonymous => &["redirect"],
        Kind::Fresh => &[
            "login_view",
            "refresh_view",
            "max_age",
            "json",
            "html",
            "permission",
            "check",
            "user",
        ],
    }
}

/// Reports unknown and repeated keys with a fix, and returns the items darling should parse.
/// Darling's own messages would list every field of the options struct (including the ones that
/// exist only to be refused) and say "Duplicate field" without saying what to do.
pub(crate) fn check_keys(
    kind: Kind,
    items: Vec<NestedMeta>,
    acc: &mut darling::error::Accumulator,
) -> Vec<NestedMeta> {
    let name = kind.name();
    let known = known_keys(kind);
    let mut seen: Vec<String> = Vec::new();
    let mut kept = Vec::new();
    for item in items {
        let NestedMeta::Meta(meta) = &item else {
            kept.push(item);
            continue;
        };
        let key = key(meta);
        if seen.contains(&key) {
            acc.push(
                darling::Error::custom(format!("`{key}` is given twice: remove one")).with_span(meta.path()),
            );
            continue;
        }
        seen.push(key.clone());
        // The fresh guard's keys are kept on `#[login_required]` too: darling refuses
        // `refresh_view` and `max_age` there with their own message (`FreshOnly`).
        let passed = match kind {
            Kind::Anonymous => known,
            Kind::Login | Kind::Fresh => known_keys(Kind::Fresh),
        };
        if passed.contains(&key.as_str()) {
            kept.push(item);
            continue;
        }
        let hint = if key == "fresh" || key == "fresh_login" {
            " (for a fresh login, write `#[fresh_login_required]` instead)".to_owned()
        } else if let Some(close) = known.iter().find(|k| similar(k, &key)) {
            format!(" (did you mean `{close}`?)")
        } else {
            String::new()
        };
        let list = known
            .iter()
            .map(|k| match *k {
                "login_view" => "`login_view = \"/login\"`".to_owned(),
                "refresh_view" => "`refresh_view = \"/reauth\"`".to_owned(),
                "max_age" => "`max_age = \"15m\"`".to_owned(),
                "permission" => "`permission = Perm::Admin`".to_owned(),
                "check" => "`check = path::to::fn`".to_owned(),
                "user" => "`user = User`".to_owned(),
                "redirect" => "`redirect = \"/\"`".to_owned(),
                other => format!("`{other}`"),
            })
            .collect::<Vec<_>>();
        let list = match list.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
            _ => list.join(""),
        };
        acc.push(
            darling::Error::custom(format!(
                "`#[{name}]` has no option `{key}`{hint}; it takes {list}"
            ))
            .with_span(meta.path()),
        );
    }
    kept
}

/// Whether `key` is a likely misspelling of `known`: the same letters ignoring case, or at most
/// two single-letter edits apart.
fn similar(known: &str, key: &str) -> bool {
    if known.eq_ignore_ascii_case(key) {
        return true;
    }
    let (a, b): (Vec<char>, Vec<char>) = (known.chars().collect(), key.chars().collect());
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != cb)).min(row[j] + 1).min(current + 1);
            prev = current;
        }
    }
    row[b.len()] <= 2
}
