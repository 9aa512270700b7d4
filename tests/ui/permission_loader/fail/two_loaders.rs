use std::collections::HashSet;

use login_runtime::{UserMixin, permission_loader, user_loader};

#[derive(Clone, UserMixin)]
struct User {
    id: String,
    #[user(permissions)]
    roles: HashSet<String>,
}

#[user_loader]
async fn load_user(id: String) -> Option<User> {
    Some(User { id, roles: HashSet::new() })
}

// The permissions are already on the user (`#[user(permissions)]`).
#[permission_loader]
async fn permissions(user: &User) -> HashSet<String> {
    user.roles.clone()
}

fn main() {}
