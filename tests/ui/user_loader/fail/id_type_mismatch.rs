use login_runtime::{UserMixin, user_loader};

#[derive(Clone, UserMixin)]
struct User {
    id: String,
}

#[user_loader]
async fn load_user(id: u64) -> Option<User> {
    Some(User { id: id.to_string() })
}

fn main() {}
