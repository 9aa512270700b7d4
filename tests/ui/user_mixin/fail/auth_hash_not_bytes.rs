use login_runtime::UserMixin;

#[derive(UserMixin)]
struct User {
    id: String,
    #[user(auth_hash)]
    password_version: u64,
}

fn main() {}
