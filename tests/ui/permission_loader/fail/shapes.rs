use std::collections::HashSet;

use login_runtime::{UserMixin, permission_loader, user_loader};

#[derive(Clone, UserMixin)]
struct User {
    id: String,
}

#[user_loader]
async fn load_user(id: String) -> Option<User> {
    Some(User { id })
}

#[permission_loader]
async fn by_value(user: User) -> HashSet<String> {
    HashSet::from([user.id])
}

#[permission_loader]
async fn no_user() -> HashSet<String> {
    HashSet::new()
}

#[permission_loader]
fn not_async(_user: &User) -> HashSet<String> {
    HashSet::new()
}

#[permission_loader]
async fn returns_nothing(_user: &User) {}

#[permission_loader(cache)]
async fn with_body(_user: &User, body: String) -> HashSet<String> {
    HashSet::from([body])
}

fn main() {}
