use login_runtime::{UserMixin, user_loader};

#[derive(Clone, UserMixin)]
struct User {
    id: String,
}

#[user_loader]
async fn load_user<I: Into<String>>(id: I) -> Option<User> {
    Some(User { id: id.into() })
}

fn main() {}
