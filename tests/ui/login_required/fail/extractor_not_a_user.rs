//! A guarded handler's extractors name something that is not the user type: each is reported at
//! that type, with its fix.
use login_runtime::{CurrentUser, MaybeUser, UserMixin, login_required, user_loader};

#[derive(Clone, UserMixin)]
struct User {
    id: u64,
}

#[user_loader]
async fn load_user(id: u64) -> Option<User> {
    Some(User { id })
}

#[login_required]
async fn wrapped(user: MaybeUser<Option<User>>) -> String {
    let _ = user;
    String::new()
}

#[login_required]
async fn not_a_user(user: CurrentUser<String>) -> String {
    let _ = user;
    String::new()
}

fn main() {}
