use login_runtime::UserMixin;

#[derive(UserMixin)]
struct User {
    #[user(id)]
    email: String,
    #[user(id)]
    name: String,
}

fn main() {}
