//! Session protection behind reverse proxies (issue 17, item 6): the client address comes from
//! the socket's peer unless the peer is a configured trusted proxy; then from the forwarding
//! header that proxy writes, read from the right, so a client cannot choose its address by
//! sending the header itself. Malformed headers never fail a request, and stop the walk at the
//! last trusted proxy. The User-Agent-only binding keeps a login across address changes and
//! still notices a changed browser.
// Test helpers may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use actix_web::http::header::HeaderValue;
use actix_web::test::TestRequest;
use login_runtime::{ClientBinding, ForwardedHeader, LoginManagerBuilder, SessionProtection};
use login_tests::{Events, Store, TestUser, builder, client};

/// Victim and thief: two clients on the internet.
const X: &str = "203.0.113.5";
const Y: &str = "198.51.100.7";
/// The proxies, inside the trusted range.
const PROXY: &str = "10.0.0.2";
const OTHER_PROXY: &str = "10.0.0.3";
const TRUSTED: &str = "10.0.0.0/8";

fn proxied(mode: SessionProtection, events: &Events) -> LoginManagerBuilder<TestUser> {
    events
        .attach(builder())
        .session_protection(mode)
        .trusted_proxies([TRUSTED])
}

/// A GET of `uri` from `peer` (an IP address), with `headers` appended in order.
fn from(peer: &str, uri: &str, headers: &[(&str, &str)]) -> TestRequest {
    let socket = if peer.contains(':') {
        format!("[{peer}]:40000")
    } else {
        format!("{peer}:40000")
    };
    let mut req = TestRequest::get().uri(uri).peer_addr(socket.parse().unwrap());
    for (name, value) in headers {
        req = req.append_header((*name, *value));
    }
    req
}

/// A GET of `uri` that reached `PROXY` from `client`, forwarded with `X-Forwarded-For`.
fn via_proxy(client: &str, uri: &str) -> TestRequest {
    from(PROXY, uri, &[("x-forwarded-for", client)])
}

const FRESH: &str = "user=notch fresh=true";
const STALE: &str = "user=notch fresh=false";
const ANONYMOUS: &str = "user=Anonymous";

#[actix_rt::test]
async fn a_login_through_a_trusted_proxy_is_bound_to_the_forwarded_client() {
    let (store, events) = (Store::new(), Events::new());
    let mut c = client!(
        proxied(SessionProtection::Strong, &events).build().unwrap(),
        store
    );
    c.send(via_proxy(X, "/login/notch")).await;
    assert!(c.send(via_proxy(X, "/state")).await.body.starts_with(FRESH));
    // Which trusted proxy the request came through does not matter, nor does a port.
    let other = from(
        OTHER_PROXY,
        "/state",
        &[("x-forwarded-for", &format!("{X}:51234"))],
    );
    assert!(c.send(other).await.body.starts_with(FRESH));
    assert_eq!(events.count("session_protected"), 0);
    // The same cookie from another client behind the same proxy: strong protection ends it.
    assert!(c.send(via_proxy(Y, "/state")).await.body.starts_with(ANONYMOUS));
    assert_eq!(events.count("session_protected"), 1);
    assert_eq!(c.cookie("session"), None, "the session cookie was removed");
}

#[actix_rt::test]
async fn basic_protection_demotes_a_login_used_by_another_forwarded_client() {
    let (store, events) = (Store::new(), Events::new());
    let mut c = client!(proxied(SessionProtection::Basic, &events).build().unwrap(), store);
    c.send(via_proxy(X, "/login/notch")).await;
    assert!(c.send(via_proxy(Y, "/state")).await.body.starts_with(STALE));
    assert_eq!(events.count("session_protected"), 1);
}

#[actix_rt::test]
async fn without_trusted_proxies_the_peer_is_the_client_whatever_the_headers_say() {
    // The default: no proxy is trusted, so a proxy's address binds every client behind it.
    let (store, events) = (Store::new(), Events::new());
    let manager = events
        .attach(builder())
        .session_protection(SessionProtection::Strong)
        .build()
        .unwrap();
    let mut c = client!(manager, store);
    c.send(via_proxy(X, "/login/notch")).await;
    assert!(c.send(via_proxy(Y, "/state")).await.body.starts_with(FRESH));
    let spoofed = from(
        OTHER_PROXY,
        "/state",
        &[("x-forwarded-for", X), ("forwarded", "for=10.0.0.2")],
    );
    assert!(c.send(spoofed).await.body.starts_with(ANONYMOUS));
}

#[actix_rt::test]
async fn forwarding_headers_from_an_untrusted_peer_are_ignored() {
    let (store, events) = (Store::new(), Events::new());
    let mut c = client!(
        proxied(SessionProtection::Strong, &events).build().unwrap(),
        store
    );
    // X connects directly, claiming to be forwarded for a trusted proxy.
    c.send(from(X, "/login/notch", &[("x-forwarded-for", PROXY)]))
        .await;
    for claim in [Y, PROXY, "unknown", "garbage, 10.0.0.9"] {
        let req = from(X, "/state", &[("x-forwarded-for", claim)]);
        assert!(
            c.send(req).await.body.starts_with(FRESH),
            "{claim}: the header changes nothing"
        );
    }
    assert!(c.send(from(X, "/state", &[])).await.body.starts_with(FRESH));
    assert_eq!(events.count("session_protected"), 0);
    // Y, connecting directly with the stolen cookie, cannot claim to be X.
    let thief = from(
        Y,
        "/state",
        &[("x-forwarded-for", X), ("forwarded", &format!("for={X}"))],
    );
    assert!(c.send(thief).await.body.starts_with(ANONYMOUS));
}

#[actix_rt::test]
async fn a_client_cannot_spoof_its_address_by_prepending_hops() {
    let (store, events) = (Store::new(), Events::new());
    let mut c = client!(
        proxied(SessionProtection::Strong, &events).build().unwrap(),
        store
    );
    c.send(via_proxy(X, "/login/notch")).await;
    // Y sends `X-Forwarded-For: X` (or X behind trusted-looking hops); the proxy appends Y.
    let thief = c.cookie("session").unwrap();
    for sent in [
        X.to_owned(),
        format!("{X}, {OTHER_PROXY}"),
        format!("{X},10.0.0.9,{PROXY}"),
    ] {
        let mut t = client!(
            proxied(SessionProtection::Strong, &events).build().unwrap(),
            store
        );
        t.set_cookie("session", &thief);
        let chain = format!("{sent}, {Y}");
        let body = t
            .send(from(PROXY, "/state", &[("x-forwarded-for", &chain)]))
            .await
            .body;
        assert!(body.starts_with(ANONYMOUS), "{chain}: {body}");
        // The same with the proxy's hop on its own field line.
        let mut t = client!(
            proxied(SessionProtection::Strong, &events).build().unwrap(),
            store
        );
        t.set_cookie("session", &thief);
        let lines = [("x-forwarded-for", sent.as_str()), ("x-forwarded-for", Y)];
        assert!(
            t.send(from(PROXY, "/state", &lines))
                .await
                .body
                .starts_with(ANONYMOUS)
        );
    }
    // The victim is unaffected.
    assert!(c.send(via_proxy(X, "/state")).await.body.starts_with(FRESH));
}

#[actix_rt::test]
async fn the_hops_of_a_chain_of_trusted_proxies_are_skipped() {
    let (store, events) = (Store::new(), Events::new());
    let mut c = client!(
        proxied(SessionProtection::Strong, &events).build().unwrap(),
        store
    );
    // X -> 10.0.0.7 -> 10.0.0.2 -> app.
    let chain = format!("{X}, 10.0.0.7");
    c.send(from(PROXY, "/login/notch", &[("x-forwarded-for", &chain)]))
        .await;
    assert!(c.send(via_proxy(X, "/state")).await.body.starts_with(FRESH));
    let mapped = from("::ffff:10.0.0.2", "/state", &[("x-forwarded-for", X)]);
    assert!(
        c.send(mapped).await.body.starts_with(FRESH),
        "an IPv4-mapped peer is the same proxy"
    );
}

#[actix_rt::test]
async fn the_forwarded_header_is_read_when_named_and_x_forwarded_for_is_then_ignored() {
    let (store, events) = (Store::new(), Events::new());
    let manager = proxied(SessionProtection::Strong, &events)
        .forwarded_header(ForwardedHeader::Forwarded)
        .build()
        .unwrap();
    let mut c = client!(manager, store);
    let fwd = |value: &str| from(PROXY, "/state", &[("forwarded", value)]);
    c.send(from(
        PROXY,
        "/login/notch",
        &[("forwarded", "for=\"[2001:db8::5]:4711\";proto=https")],
    ))
    .await;
    for same in [
        "for=\"[2001:db8::5]\"",
        "For=\"[2001:db8:0::5]:1\";by=10.0.0.2, for=10.0.0.9",
        "for=198.51.100.7, for=\"[2001:db8::5]\"",
    ] {
        assert!(c.send(fwd(same)).await.body.starts_with(FRESH), "{same}");
    }
    let ignored = from(
        PROXY,
        "/state",
        &[("forwarded", "for=\"[2001:db8::5]\""), ("x-forwarded-for", Y)],
    );
    assert!(
        c.send(ignored).await.body.starts_with(FRESH),
        "X-Forwarded-For is not read"
    );
    assert!(
        c.send(fwd("for=\"[2001:db8::5]\", for=198.51.100.7"))
            .await
            .body
            .starts_with(ANONYMOUS)
    );
}

/// Header values a client (or a broken proxy) might send.
fn malformed_values() -> Vec<Vec<u8>> {
    let mut values: Vec<Vec<u8>> = [
        "",
        " ",
        ",,,",
        "unknown",
        "_hidden",
        "for=",
        "for=\"",
        "\"",
        "\\",
        "for=\"\\\"\"",
        "1.2.3.4.5",
        "1.2.3.4:99999",
        "[2001:db8::1",
        "for=\"[2001:db8::1\"",
        "for=1.2.3.4;for=5.6.7.8",
        "proto=https;by=10.0.0.9",
        "=",
        ";;;",
        "for=[]:",
        "\u{ff11}.2.3.4",
        "fe80::1%eth0",
    ]
    .iter()
    .map(|v| v.as_bytes().to_vec())
    .collect();
    values.push(b"\xff\xfe for=\x80".to_vec());
    values.push("for=\"".repeat(1000).into_bytes());
    values.push(",".repeat(4000).into_bytes());
    values
}

#[actix_rt::test]
async fn malformed_forwarding_headers_never_fail_a_request_and_stop_at_the_last_trusted_hop() {
    for header in [ForwardedHeader::XForwardedFor, ForwardedHeader::Forwarded] {
        let name = match header {
            ForwardedHeader::XForwardedFor => "x-forwarded-for",
            _ => "forwarded",
        };
        for value in malformed_values() {
            let Ok(value) = HeaderValue::from_bytes(&value) else {
                continue;
            };
            let shown = String::from_utf8_lossy(value.as_bytes())
                .chars()
                .take(40)
                .collect::<String>();
            let (store, events) = (Store::new(), Events::new());
            let manager = proxied(SessionProtection::Strong, &events)
                .forwarded_header(header)
                .build()
                .unwrap();
            let mut c = client!(manager, store);
            let with = || {
                TestRequest::get()
                    .uri("/state")
                    .peer_addr(format!("{PROXY}:1").parse().unwrap())
                    .insert_header((name, value.clone()))
            };
            let login = c.send(with().uri("/login/notch")).await;
            assert_eq!(login.status, 200, "{name}: {shown}");
            let again = c.send(with()).await;
            assert_eq!(again.status, 200, "{name}: {shown}");
            assert!(again.body.starts_with(FRESH), "{name}: {shown}: {}", again.body);
            // Nothing readable in it: the client is the trusted proxy the walk stopped at, as
            // for a request that carries no header at all.
            let bare = c.send(from(PROXY, "/state", &[])).await;
            assert!(bare.body.starts_with(FRESH), "{name}: {shown}: {}", bare.body);
        }
    }
}

#[actix_rt::test]
async fn garbage_left_of_a_proxy_hop_does_not_hide_the_client() {
    let (store, events) = (Store::new(), Events::new());
    let mut c = client!(
        proxied(SessionProtection::Strong, &events).build().unwrap(),
        store
    );
    let chain = format!("\"for=\\, ,garbage,, {X}");
    c.send(from(PROXY, "/login/notch", &[("x-forwarded-for", &chain)]))
        .await;
    assert!(c.send(via_proxy(X, "/state")).await.body.starts_with(FRESH));
    let long = format!("{}{X}", "1.1.1.1,".repeat(1000));
    let long = c.send(from(PROXY, "/state", &[("x-forwarded-for", &long)])).await;
    assert!(
        long.body.starts_with(FRESH),
        "a thousand hops left of the proxy's are never read"
    );
    let manager = proxied(SessionProtection::Strong, &events)
        .forwarded_header(ForwardedHeader::Forwarded)
        .build()
        .unwrap();
    let mut c = client!(manager, store);
    // The client opened a quote; the proxy appended its element after it.
    let chain = format!("for=\", for={X}");
    c.send(from(PROXY, "/login/notch", &[("forwarded", &chain)]))
        .await;
    let clean = from(PROXY, "/state", &[("forwarded", &format!("for={X}"))]);
    assert!(c.send(clean).await.body.starts_with(FRESH));
}

#[actix_rt::test]
async fn the_user_agent_binding_keeps_a_login_across_addresses_and_refuses_another_browser() {
    let (store, events) = (Store::new(), Events::new());
    let manager = events
        .attach(builder())
        .session_protection(SessionProtection::Strong)
        .session_protection_binds(ClientBinding::UserAgent)
        .build()
        .unwrap();
    let mut c = client!(manager, store);
    c.send(from(X, "/login/notch", &[])).await;
    // The phone moves from Wi-Fi to a mobile network, twice: the login stays, fresh.
    assert!(c.send(from(Y, "/state", &[])).await.body.starts_with(FRESH));
    assert!(
        c.send(from("2001:db8::9", "/state", &[]))
            .await
            .body
            .starts_with(FRESH)
    );
    assert_eq!(events.count("session_protected"), 0);
    // Another browser with the same cookie: strong protection ends the login.
    c.user_agent = "another browser/2.0".into();
    assert!(c.send(from(X, "/state", &[])).await.body.starts_with(ANONYMOUS));
    assert_eq!(events.count("session_protected"), 1);
}

#[test]
fn trusted_proxy_mistakes_are_clear_start_up_errors() {
    let err = |b: LoginManagerBuilder<TestUser>| b.build().unwrap_err().to_string();
    let proxies = |list: &[&str]| builder().trusted_proxies(list.iter().copied());
    let bad = err(proxies(&["10.0.0.0/8", "10.0.0.0/33"]));
    assert!(
        bad.contains("`10.0.0.0/33` is not an IP address or a CIDR range"),
        "{bad}"
    );
    assert!(bad.contains("such as `10.0.0.0/8`"), "{bad}");
    assert!(err(proxies(&["proxy.internal"])).contains("`proxy.internal` is not an IP address"));
    assert!(err(proxies(&["10.0.0.1/8"])).contains("write `10.0.0.0/8` for the range"));
    assert!(err(proxies(&["0.0.0.0/0"])).contains("trusts every address"));
    assert!(err(proxies(&["::/0"])).contains("trusts every address"));
    let unread = err(builder().forwarded_header(ForwardedHeader::Forwarded));
    assert!(unread.contains("trusted_proxies is empty"), "{unread}");
    let pointless = err(proxies(&[TRUSTED]).session_protection_binds(ClientBinding::UserAgent));
    assert!(pointless.contains("User-Agent only"), "{pointless}");
    assert!("user-agent".parse::<ClientBinding>().is_ok());
    let unknown = "ip".parse::<ClientBinding>().unwrap_err().to_string();
    assert!(unknown.contains("`address-and-user-agent`"), "{unknown}");
    let unknown = "x-real-ip".parse::<ForwardedHeader>().unwrap_err().to_string();
    assert!(
        unknown.contains("use `x-forwarded-for` or `forwarded`"),
        "{unknown}"
    );
}
