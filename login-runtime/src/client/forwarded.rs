//! Reading a forwarding chain from the right: the hops of `X-Forwarded-For` or `Forwarded`
//! (RFC 7239), nearest proxy first.
//!
//! Only the right end of a chain is worth anything: each proxy appends the address it saw, so
//! everything left of the first hop added by a trusted proxy was written by the client and can
//! be anything. The walk therefore reads from the right and stops at the first hop it cannot
//! read; nothing to its left is ever parsed into an address. The input is raw header bytes: any
//! byte sequence is handled, and none panics (`tests` below throws random bytes at it).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// One hop of a forwarding chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Hop {
    /// The address a proxy recorded (its port, if any, dropped).
    Address(IpAddr),
    /// A hop that names no address: `unknown`, an obfuscated identifier (`_hidden`), an element
    /// without `for=`, or one that does not parse. The chain cannot be followed past it.
    Opaque,
}

/// Visits the hops of an `X-Forwarded-For` chain, rightmost first, until `visit` returns
/// `false`. `values` are the header's field lines in the order they arrived; empty list
/// elements are skipped, as the list syntax allows.
pub(crate) fn x_forwarded_for(values: &[&[u8]], mut visit: impl FnMut(Hop) -> bool) {
    for value in values.iter().rev() {
        for element in value.rsplit(|&b| b == b',') {
            let element = trim(element);
            if element.is_empty() {
                continue;
            }
            let hop = node(unquote(element).unwrap_or(element)).map_or(Hop::Opaque, Hop::Address);
            if !visit(hop) || hop == Hop::Opaque {
                return;
            }
        }
    }
}

/// Visits the `for=` hops of a `Forwarded` chain, rightmost first, until `visit` returns
/// `false` or a hop is [`Hop::Opaque`].
///
/// Elements are split at commas outside quoted strings, scanning from the right. A backslash
/// ends the walk (an opaque hop): a quoted-pair cannot be told from a closing quote when
/// reading backwards, and no address needs one.
pub(crate) fn forwarded(values: &[&[u8]], mut visit: impl FnMut(Hop) -> bool) {
    for value in values.iter().rev() {
        let mut end = value.len();
        let mut in_quotes = false;
        for at in (0..=value.len()).rev() {
            let boundary = match at.checked_sub(1).map(|i| value[i]) {
                None => true,
                Some(b'\\') => {
                    visit(Hop::Opaque);
                    return;
                }
                Some(b'"') => {
                    in_quotes = !in_quotes;
                    false
                }
                Some(b',') => !in_quotes,
                Some(_) => false,
            };
            if !boundary {
                continue;
            }
            let element = trim(&value[at..end]);
            end = at.saturating_sub(1);
            if element.is_empty() && !in_quotes {
                continue;
            }
            // An unbalanced quote at the start of the value: the element is broken.
            let hop = if in_quotes {
                Hop::Opaque
            } else {
                element_for(element)
            };
            if !visit(hop) || hop == Hop::Opaque {
                return;
            }
        }
    }
}

/// The hop named by the `for` parameter of one `Forwarded` element: `for=192.0.2.60;proto=https`.
/// Parameter names are case-insensitive; a missing or repeated `for`, or a pair that is not
/// `token=value`, is an opaque hop.
fn element_for(element: &[u8]) -> Hop {
    let mut found = None;
    let mut in_quotes = false;
    let mut start = 0;
    for at in 0..=element.len() {
        match element.get(at) {
            Some(b'"') => {
                in_quotes = !in_quotes;
                continue;
            }
            Some(b';') if !in_quotes => {}
            Some(_) => continue,
            None => {}
        }
        // `at` is a `;` outside quotes, or the end of the element.
        let pair = trim(&element[start..at]);
        start = at + 1;
        if pair.is_empty() {
            continue;
        }
        let Some(eq) = pair.iter().position(|&b| b == b'=') else {
            return Hop::Opaque;
        };
        let (name, value) = (&pair[..eq], &pair[eq + 1..]);
        if name.is_empty() || !name.iter().all(|&b| is_tchar(b)) {
            return Hop::Opaque;
        }
        // Quoted, or bare. A bare value is accepted with more than token characters (an
        // unquoted `[2001:db8::1]:80` as some proxy configurations write it): only hops a
        // trusted proxy wrote are ever read, so leniency here gives a client nothing.
        let value = match unquote(value) {
            Some(inner) => inner,
            None if !value.is_empty()
                && value
                    .iter()
                    .all(|&b| b.is_ascii_graphic() && !b"\";,\\".contains(&b)) =>
            {
                value
            }
            None => return Hop::Opaque,
        };
        if name.eq_ignore_ascii_case(b"for") {
            if found.is_some() {
                return Hop::Opaque;
            }
            found = Some(node(value).map_or(Hop::Opaque, Hop::Address));
        }
    }
    found.unwrap_or(Hop::Opaque)
}

/// A node (`192.0.2.60`, `192.0.2.60:8080`, `[2001:db8::1]`, `[2001:db8::1]:4711`, or, as in
/// `X-Forwarded-For`, a bare `2001:db8::1`) as an address; `None` for `unknown`, obfuscated
/// identifiers and anything else.
fn node(text: &[u8]) -> Option<IpAddr> {
    let text = std::str::from_utf8(text).ok()?;
    if let Some(rest) = text.strip_prefix('[') {
        let (v6, after) = rest.split_once(']')?;
        let port = match after {
            "" => None,
            _ => Some(after.strip_prefix(':')?),
        };
        port.is_none_or(is_port).then_some(())?;
        return v6.parse::<Ipv6Addr>().ok().map(IpAddr::V6);
    }
    match text.split_once(':') {
        None => text.parse::<Ipv4Addr>().ok().map(IpAddr::V4),
        Some((v4, port)) if !port.contains(':') => {
            is_port(port).then_some(())?;
            v4.parse::<Ipv4Addr>().ok().map(IpAddr::V4)
        }
        Some(_) => text.parse::<Ipv6Addr>().ok().map(IpAddr::V6),
    }
}

/// A port: a number up to 65535, or an obfuscated port (`_` and token characters), as RFC 7239 §6 allows.
fn is_port(port: &str) -> bool {
    match port.strip_prefix('_') {
        Some(obfuscated) => {
            !obfuscated.is_empty()
                && obfuscated
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
        }
        None => port.bytes().all(|b| b.is_ascii_digit()) && port.parse::<u16>().is_ok(),
    }
}

/// The inside of a quoted string without quoted-pairs (`"..."`), or `None` if `value` is not one.
fn unquote(value: &[u8]) -> Option<&[u8]> {
    let inner = value.strip_prefix(b"\"")?.strip_suffix(b"\"")?;
    (!inner.contains(&b'"') && !inner.contains(&b'\\')).then_some(inner)
}

/// `value` without the spaces and tabs around it.
fn trim(value: &[u8]) -> &[u8] {
    let is_ows = |b: &u8| *b == b' ' || *b == b'\t';
    let start = value.iter().position(|b| !is_ows(b)).unwrap_or(value.len());
    let end = value.iter().rposition(|b| !is_ows(b)).map_or(start, |i| i + 1);
    &value[start..end]
}

/// A token character (RFC 9110 `tchar`).
fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn xff(values: &[&str]) -> Vec<Hop> {
        let values: Vec<&[u8]> = values.iter().map(|v| v.as_bytes()).collect();
        let mut hops = Vec::new();
        x_forwarded_for(&values, |hop| {
            hops.push(hop);
            true
        });
        hops
    }

    fn fwd(values: &[&str]) -> Vec<Hop> {
        let values: Vec<&[u8]> = values.iter().map(|v| v.as_bytes()).collect();
        let mut hops = Vec::new();
        forwarded(&values, |hop| {
            hops.push(hop);
            true
        });
        hops
    }

    fn ip(text: &str) -> Hop {
        Hop::Address(text.parse().expect("a test address"))
    }

    #[test]
    fn x_forwarded_for_is_read_from_the_right_across_field_lines() {
        assert_eq!(
            xff(&["203.0.113.5, 10.0.0.2", "10.0.0.3"]),
            [ip("10.0.0.3"), ip("10.0.0.2"), ip("203.0.113.5")]
        );
        assert_eq!(
            xff(&["2001:db8::1, [2001:db8::2]:443,192.0.2.1:8080,,"]),
            [ip("192.0.2.1"), ip("2001:db8::2"), ip("2001:db8::1")]
        );
    }

    #[test]
    fn the_walk_stops_at_the_first_hop_it_cannot_read() {
        assert_eq!(
            xff(&["1.2.3.4, unknown, 10.0.0.1"]),
            [ip("10.0.0.1"), Hop::Opaque]
        );
        assert_eq!(xff(&["1.2.3.4, 1.2.3.4.5"]), [Hop::Opaque]);
        assert_eq!(xff(&["1.2.3.4:99999"]), [Hop::Opaque]);
        assert_eq!(
            xff(&["\u{ff11}.2.3.4"]),
            [Hop::Opaque],
            "fullwidth digits are not digits"
        );
    }

    #[test]
    fn forwarded_elements_are_read_from_the_right_with_quotes_and_parameters() {
        assert_eq!(
            fwd(&[
                r#"for=192.0.2.43;proto=https, For="[2001:db8:cafe::17]:4711""#,
                "by=10.0.0.9;for=10.0.0.2"
            ]),
            [ip("10.0.0.2"), ip("2001:db8:cafe::17"), ip("192.0.2.43")]
        );
        assert_eq!(
            fwd(&[r#"for="198.51.100.7:_port";host="a,b;c""#]),
            [ip("198.51.100.7")]
        );
    }

    #[test]
    fn forwarded_elements_without_one_readable_for_are_opaque() {
        for bad in [
            "for=unknown",
            "for=_hidden",
            "proto=https",
            "for=1.2.3.4;for=5.6.7.8",
            "for=[2001:db8::1]x",
            "for=1.2.3.4 5",
            "for=\"1.2.3.4",
            "=1.2.3.4",
            "for",
            "for=\"[2001:db8::1]\\\"\"",
            "fo r=1.2.3.4",
        ] {
            assert_eq!(fwd(&[bad]), [Hop::Opaque], "{bad}");
        }
    }

    #[test]
    fn a_quote_opened_by_the_client_cannot_swallow_the_hops_a_proxy_appended() {
        // The client sent `for="` and a proxy appended its hop: the proxy's hop is still read.
        assert_eq!(fwd(&[r#"for=", for=10.0.0.2"#]), [ip("10.0.0.2"), Hop::Opaque]);
    }

    #[test]
    fn random_bytes_never_panic_and_the_walk_ends() {
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let alphabet = b"0123456789abcdef.:[]\",;= \t\\_forFOR\xff\x00-";
        for _ in 0..20_000 {
            let len = (next() % 40) as usize;
            let bytes: Vec<u8> = (0..len)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect();
            let mut hops = 0;
            x_forwarded_for(&[&bytes], |_| {
                hops += 1;
                true
            });
            forwarded(&[&bytes, &bytes], |_| {
                hops += 1;
                true
            });
            // At most one hop per byte and field line, plus the ones that end a walk.
            assert!(hops <= 3 * bytes.len() + 3, "{bytes:?}");
        }
    }
}
