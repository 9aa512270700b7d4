use login_runtime::{UserMixin, user_loader};

#[derive(Clone, UserMixin)]
struct User {
    id: String,
}

#[user_loader]
async fn load_user(id: String) -> User {
    User { id }
}

fn main() {}
