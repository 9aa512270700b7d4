//! The forms `#[derive(UserMixin)]` accepts.
use login_runtime::UserMixin;

#[derive(Clone, UserMixin)]
struct ByConvention {
    id: u64,
}

#[derive(Clone, UserMixin)]
struct Explicit {
    #[user(id)]
    email: String,
    #[user(active)]
    enabled: bool,
    #[user(auth_hash)]
    password_hash: Vec<u8>,
    #[allow(dead_code)]
    id: u32,
}

#[derive(Clone, UserMixin)]
struct Generic<T: Clone + 'static> {
    id: String,
    #[allow(dead_code)]
    extra: T,
}

fn main() {
    let a = ByConvention { id: 7 };
    assert_eq!(*a.get_id(), 7);
    let b = Explicit { email: "a@example.com".into(), enabled: false, password_hash: vec![1], id: 1 };
    assert_eq!(b.get_id(), "a@example.com");
    assert!(!b.is_active());
    assert_eq!(b.auth_hash(), Some(&[1u8][..]));
    let c = Generic { id: "g".into(), extra: 1u8 };
    assert!(c.is_active());
}
