//! Private cookies (`CookieContent::Private`): the session and remember cookies are encrypted,
//! so the user id cannot be read from them; they round-trip, rotate with fallback keys like
//! signed cookies, and a tampered, foreign or signed cookie is refused exactly as a bad signed
//! cookie is: anonymous, removed where a bad signed one is, never a 5xx. With the cookie store
//! and with a server-side store.
// Test helpers may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use login_runtime::store::MemoryStore;
use login_runtime::{CookieContent, LoginManager, SessionProtection};
use login_tests::{Resp, Store, TestUser, client, is_removal};

const KEY_A: &str = "private cookies: the first secret key, 32+ bytes";
const KEY_B: &str = "private cookies: the second secret key, 32+ bytes";

/// Where the logins live in a case.
#[derive(Clone, Copy, Debug)]
enum Backend {
    Cookie,
    Memory,
}

const BACKENDS: [Backend; 2] = [Backend::Cookie, Backend::Memory];

fn manager(
    key: &str,
    fallbacks: &[&str],
    content: CookieContent,
    backend: Backend,
    store: &MemoryStore,
) -> LoginManager<TestUser> {
    let builder = LoginManager::<TestUser>::builder(key)
        .fallback_keys(fallbacks)
        .session_protection(SessionProtection::Basic)
        .cookie_content(content);
    match backend {
        Backend::Cookie => builder,
        Backend::Memory => builder.session_store(store.clone()),
    }
    .build()
    .unwrap()
}

fn private(key: &str, fallbacks: &[&str], backend: Backend, store: &MemoryStore) -> LoginManager<TestUser> {
    manager(key, fallbacks, CookieContent::Private, backend, store)
}

/// The bytes a reader of the cookie sees: the base64url parts of the value, decoded.
fn readable_bytes(value: &str) -> Vec<u8> {
    value
        .split('.')
        .flat_map(|part| URL_SAFE_NO_PAD.decode(part).unwrap_or_default())
        .collect()
}

fn shows(value: &str, needle: &[u8]) -> bool {
    readable_bytes(value).windows(needle.len()).any(|w| w == needle)
}

/// The names of the cookies a response removes.
fn removed(r: &Resp) -> Vec<String> {
    let mut names: Vec<String> = r
        .set_cookies()
        .iter()
        .filter(|c| is_removal(c))
        .map(|c| c.name().to_owned())
        .collect();
    names.sort();
    names
}

#[actix_rt::test]
async fn the_user_id_cannot_be_read_from_a_private_cookie_and_it_round_trips() {
    let store = Store::new();
    let memory = MemoryStore::new();
    // The control: a signed cookie of the cookie store shows the user id to anyone.
    let mut signed = client!(
        manager(KEY_A, &[], CookieContent::Signed, Backend::Cookie, &memory),
        store
    );
    signed.get("/login/notch?remember=true").await;
    assert!(shows(&signed.cookie("session").unwrap(), b"notch"));
    assert!(shows(&signed.cookie("remember_token").unwrap(), b"notch"));

    for backend in BACKENDS {
        let mut c = client!(private(KEY_A, &[], backend, &memory), store);
        c.get("/login/notch?remember=true").await;
        let session = c.cookie("session").unwrap();
        let remember = c.cookie("remember_token").unwrap();
        for value in [&session, &remember] {
            assert!(!shows(value, b"notch"), "{backend:?}: {value}");
            assert!(
                !value.contains('.'),
                "{backend:?}: one sealed blob, not payload.tag: {value}"
            );
        }
        assert_eq!(c.get("/username").await.body, "notch", "{backend:?}");
        c.restart_browser();
        assert_eq!(
            c.get("/state").await.body,
            "user=notch fresh=false remembered=true restored=true",
            "{backend:?}: the private remember cookie restores the login"
        );
        // Two logins never give the same value: a new nonce per seal.
        let mut other = client!(private(KEY_A, &[], backend, &memory), store);
        other.get("/login/notch?remember=true").await;
        assert_ne!(other.cookie("session"), Some(session), "{backend:?}");
    }
}

#[actix_rt::test]
async fn a_non_ascii_user_id_round_trips_through_private_cookies() {
    let store = Store::new();
    let memory = MemoryStore::new();
    for backend in BACKENDS {
        let mut c = client!(private(KEY_A, &[], backend, &memory), store);
        c.get("/login/%E4%BD%90%E8%97%A4?remember=true").await;
        assert!(!shows(&c.cookie("remember_token").unwrap(), "佐藤".as_bytes()));
        assert_eq!(c.get("/username").await.body, "佐藤", "{backend:?}");
        c.restart_browser();
        assert_eq!(c.get("/username").await.body, "佐藤", "{backend:?}");
    }
}

/// Variations of a real private cookie value that must all be refused.
fn tampered(valid: &str) -> Vec<String> {
    let mut raw = URL_SAFE_NO_PAD.decode(valid).unwrap();
    let mut out: Vec<String> = [0, raw.len() / 2, raw.len() - 1]
        .into_iter()
        .map(|i| {
            let mut bad = raw.clone();
            bad[i] ^= 0x01;
            URL_SAFE_NO_PAD.encode(&bad)
        })
        .collect();
    out.push(valid[..valid.len() - 4].to_owned());
    out.push(format!("{valid}AAAA"));
    raw.truncate(27); // shorter than a nonce and a tag
    out.push(URL_SAFE_NO_PAD.encode(&raw));
    out.extend([String::new(), "garbage".into(), "a.b".into(), "A".repeat(5000)]);
    out
}

#[actix_rt::test]
async fn a_tampered_private_cookie_is_anonymous_and_removed_like_a_bad_signed_one() {
    let store = Store::new();
    let memory = MemoryStore::new();
    for backend in BACKENDS {
        let mut c = client!(private(KEY_A, &[], backend, &memory), store);
        c.get("/login/notch?remember=true").await;
        let session = c.cookie("session").unwrap();
        let remember = c.cookie("remember_token").unwrap();
        // What a bad signed cookie gets, for comparison.
        let mut signed = client!(
            manager(KEY_A, &[], CookieContent::Signed, backend, &memory),
            store
        );
        for (name, valid) in [("session", &session), ("remember_token", &remember)] {
            signed.set_cookie(name, "garbage.garbage");
            let signed_answer = signed.get("/username").await;
            signed.delete_cookie(name);
            for value in tampered(valid) {
                let mut probe = client!(private(KEY_A, &[], backend, &memory), store);
                probe.set_cookie(name, &value);
                let r = probe.get("/username").await;
                assert_eq!(r.body, "Anonymous", "{backend:?} {name}={value:.30}");
                assert_eq!(
                    removed(&r),
                    removed(&signed_answer),
                    "{backend:?} {name}={value:.30}"
                );
                let r = probe.get("/secret").await;
                assert!(r.status.as_u16() < 500, "{backend:?} {name}: {}", r.status);
            }
        }
        // The untampered cookies still work.
        assert_eq!(c.get("/username").await.body, "notch", "{backend:?}");
    }
}

#[actix_rt::test]
async fn a_private_cookie_under_an_unknown_key_is_ignored_and_a_fallback_key_opens_it() {
    let store = Store::new();
    let memory = MemoryStore::new();
    for backend in BACKENDS {
        let mut a = client!(private(KEY_A, &[], backend, &memory), store);
        a.get("/login/notch?remember=true").await;
        let cookies = [
            ("session", a.cookie("session").unwrap()),
            ("remember_token", a.cookie("remember_token").unwrap()),
        ];
        for (name, value) in &cookies {
            let mut foreign = client!(private(KEY_B, &[], backend, &memory), store);
            foreign.set_cookie(name, value);
            let r = foreign.get("/username").await;
            assert_eq!(r.body, "Anonymous", "{backend:?}: {name} under an unknown key");
            if *name == "remember_token" {
                assert_eq!(removed(&r), ["remember_token"], "{backend:?}");
            }
            let mut rotated = client!(private(KEY_B, &[KEY_A], backend, &memory), store);
            rotated.set_cookie(name, value);
            assert_eq!(
                rotated.get("/username").await.body,
                "notch",
                "{backend:?}: {name} under a fallback key"
            );
        }
    }
}

#[actix_rt::test]
async fn signed_and_private_cookies_never_open_each_other() {
    let store = Store::new();
    let memory = MemoryStore::new();
    for backend in BACKENDS {
        for (from, to) in [
            (CookieContent::Signed, CookieContent::Private),
            (CookieContent::Private, CookieContent::Signed),
        ] {
            let mut a = client!(manager(KEY_A, &[], from, backend, &memory), store);
            a.get("/login/notch?remember=true").await;
            for name in ["session", "remember_token"] {
                let mut b = client!(manager(KEY_A, &[], to, backend, &memory), store);
                b.set_cookie(name, &a.cookie(name).unwrap());
                let r = b.get("/username").await;
                assert_eq!(r.body, "Anonymous", "{backend:?}: {from:?} {name} read as {to:?}");
            }
        }
    }
}
