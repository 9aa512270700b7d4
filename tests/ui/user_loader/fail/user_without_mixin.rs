use login_runtime::user_loader;

#[derive(Clone)]
struct User {
    id: String,
}

#[user_loader]
async fn load_user(id: String) -> Option<User> {
    Some(User { id })
}

fn main() {}
