use login_runtime::{UserMixin, user_loader};

#[derive(Clone, UserMixin)]
struct User {
    id: String,
}

#[user_loader(cache = true)]
async fn load_user(id: String) -> Option<User> {
    Some(User { id })
}

fn main() {}
