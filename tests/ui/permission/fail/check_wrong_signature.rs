use login_runtime::{UserMixin, login_required, user_loader};

#[derive(Clone, UserMixin)]
struct User {
    id: String,
}

#[user_loader]
async fn load_user(id: String) -> Option<User> {
    Some(User { id })
}

fn takes_the_user_by_value(user: User) -> bool {
    user.id.is_empty()
}

fn returns_a_string(user: &User) -> String {
    user.id.clone()
}

#[login_required(check = takes_the_user_by_value, user = User)]
async fn by_value() -> &'static str {
    "a"
}

#[login_required(check = returns_a_string, user = User)]
async fn string() -> &'static str {
    "b"
}

fn main() {}
