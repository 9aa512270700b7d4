use std::collections::HashSet;

use login_runtime::{CurrentUser, UserMixin, login_required, permission_loader, user_loader};

#[derive(Clone, UserMixin)]
struct User {
    id: String,
}

#[user_loader]
async fn load_user(id: String) -> Option<User> {
    Some(User { id })
}

#[derive(PartialEq, Eq, Hash)]
enum Perm {
    Admin,
}

#[permission_loader]
async fn permissions(_user: &User) -> HashSet<Perm> {
    HashSet::from([Perm::Admin])
}

// The loader returns `Perm`s; a string is not one.
#[login_required(permission = "admin")]
async fn admin(user: CurrentUser<User>) -> String {
    user.id.clone()
}

fn main() {}
