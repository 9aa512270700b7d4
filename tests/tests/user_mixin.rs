//! Flask-Login §2.11: `UserMixin` and `AnonymousUserMixin`, as a derive and `AnonymousUser`.
// Test names read `<flask-login test>__flask_<section>_item_<n>` so the parity table can cite them.
#![allow(non_snake_case)]
// Test helpers may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashSet;

use login_runtime::{AnonymousUser, UserMixin};
use login_tests::TestUser;

/// No `#[user(active)]`, a numeric id under another name.
#[derive(Clone, Debug, PartialEq, Eq, Hash, UserMixin)]
struct Plain {
    #[user(id)]
    number: u64,
    name: String,
}

#[test]
fn test_default_values__flask_2_11_item_100() {
    let u = Plain {
        number: 1,
        name: "notch".into(),
    };
    assert!(u.is_active());
    assert!(u.is_authenticated());
    assert!(!u.is_anonymous());
    assert_eq!(u.auth_hash(), None);
}

#[test]
fn test_inactive_user_is_not_authenticated__flask_1_5() {
    let u = TestUser {
        active: false,
        ..TestUser::new("creeper")
    };
    assert!(!u.is_active());
    assert!(
        !u.is_authenticated(),
        "is_authenticated returns is_active, as in Flask-Login 0.6"
    );
}

#[test]
fn test_get_id_from_id_attribute__flask_2_11_item_101_p26() {
    // The id is typed: `Display` writes it into cookies and `FromStr` reads it back, so the
    // loader always gets the same type on every path (Flask-Login P26 mixes int and str).
    let u = Plain {
        number: 1,
        name: "notch".into(),
    };
    assert_eq!(*u.get_id(), 1u64);
    assert_eq!(u.get_id().to_string(), "1");
    assert_eq!(TestUser::new("notch").get_id(), "notch");
}

/// Unmarked `bool` fields named like Flask-Login's attribute.
#[derive(Clone, UserMixin)]
struct Unmarked {
    id: String,
    is_active: bool,
}

#[derive(Clone, UserMixin)]
struct UnmarkedShort {
    id: String,
    active: bool,
}

/// An `active` field that is not a `bool` is refused unless it says it is not the flag
/// (`#[user(skip)]`); then the user stays always active.
#[derive(Clone, UserMixin)]
struct ActiveNotBool {
    id: String,
    #[user(skip)]
    active: Option<String>,
}

/// `#[user(skip)]` on a `bool` named `active`: not the flag either.
#[derive(Clone, UserMixin)]
struct SkippedFlag {
    id: String,
    #[user(skip)]
    active: bool,
}

#[test]
fn an_unmarked_active_or_is_active_bool_field_is_the_active_flag() {
    // Forgetting `#[user(active)]` must not let a deactivated account log in.
    let off = Unmarked {
        id: "creeper".into(),
        is_active: false,
    };
    assert!(!off.is_active() && !off.is_authenticated());
    assert!(
        Unmarked {
            is_active: true,
            ..off
        }
        .is_active()
    );
    let off = UnmarkedShort {
        id: "creeper".into(),
        active: false,
    };
    assert!(!off.is_active());
    assert!(UnmarkedShort { active: true, ..off }.is_active());
    let other = ActiveNotBool {
        id: "notch".into(),
        active: None,
    };
    assert!(other.is_active() && other.active.is_none());
    let skipped = SkippedFlag {
        id: "notch".into(),
        active: false,
    };
    assert!(skipped.is_active() && !skipped.active);
}

#[test]
fn test_auth_hash_field_is_used() {
    let u = TestUser::new("notch");
    assert_eq!(u.auth_hash(), Some(&b"secret"[..]));
}

#[test]
fn test_equality__flask_2_11_item_103() {
    let a = Plain {
        number: 1,
        name: "a".into(),
    };
    let same_id = Plain {
        number: 1,
        name: "b".into(),
    };
    let other = Plain {
        number: 2,
        name: "a".into(),
    };
    assert!(a.is_same_user(&same_id));
    assert!(!a.is_same_user(&other));
    // Comparing a user with a string does not compile: `is_same_user` takes the same type.
}

#[test]
fn test_hashable__flask_2_11_item_104() {
    let mut set = HashSet::new();
    set.insert(Plain {
        number: 1,
        name: "a".into(),
    });
    assert!(set.contains(&Plain {
        number: 1,
        name: "a".into()
    }));
}

#[test]
fn test_anonymous_values__flask_2_11_item_105() {
    let anon = AnonymousUser;
    assert!(!anon.is_active());
    assert!(!anon.is_authenticated());
    assert!(anon.is_anonymous());
    assert_eq!(anon.get_id(), None);
}

#[actix_rt::test]
async fn test_user_context_processor_maybe_user__flask_2_7_item_76() {
    // No template context processor: handlers take `MaybeUser`, whose `anonymous()` gives the
    // `AnonymousUserMixin` stand-in for templates.
    use actix_web::{App, test, web};
    use login_runtime::MaybeUser;
    use login_tests::{Client, Store, builder};
    async fn page(user: MaybeUser<TestUser>) -> String {
        match (user.get(), user.anonymous()) {
            (Some(u), None) => format!("hello {}", u.id),
            (None, Some(a)) => format!("anonymous={} id={:?}", a.is_anonymous(), a.get_id()),
            _ => "inconsistent".to_owned(),
        }
    }
    let store = Store::new();
    let app = test::init_service(
        App::new()
            .wrap(builder().build().unwrap())
            .app_data(store.clone())
            .configure(login_tests::routes)
            .route("/page", web::get().to(page)),
    )
    .await;
    let mut c = Client::new(app);
    assert_eq!(c.get("/page").await.body, "anonymous=true id=None");
    c.get("/login/notch").await;
    assert_eq!(c.get("/page").await.body, "hello notch");
}
