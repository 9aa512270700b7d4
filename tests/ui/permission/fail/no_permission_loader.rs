use login_runtime::{CurrentUser, UserMixin, login_required, user_loader};

#[derive(Clone, UserMixin)]
struct User {
    id: String,
}

#[user_loader]
async fn load_user(id: String) -> Option<User> {
    Some(User { id })
}

#[login_required(permission = "admin")]
async fn admin(user: CurrentUser<User>) -> String {
    user.id.clone()
}

fn main() {}
