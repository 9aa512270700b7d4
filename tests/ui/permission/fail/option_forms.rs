use login_runtime::{UserMixin, login_required, user_loader};

#[derive(Clone, UserMixin)]
struct User {
    id: String,
}

#[user_loader]
async fn load_user(id: String) -> Option<User> {
    Some(User { id })
}

#[login_required(permission = "a" | "b", user = User)]
async fn either() -> &'static str {
    "a"
}

#[login_required(permission = any(), user = User)]
async fn empty() -> &'static str {
    "b"
}

#[login_required(permission(any("a", "b")), user = User)]
async fn no_equals() -> &'static str {
    "c"
}

#[login_required(permission = "a", permission = "b", user = User)]
async fn twice() -> &'static str {
    "d"
}

#[login_required(check = "is_staff", user = User)]
async fn check_string() -> &'static str {
    "e"
}

#[login_required(user = User)]
async fn user_alone() -> &'static str {
    "f"
}

#[login_required(permision = "a", user = User)]
async fn typo() -> &'static str {
    "g"
}

fn main() {}
