use login_runtime::UserMixin;

#[derive(UserMixin)]
struct User {
    name: String,
    email: String,
}

fn main() {}
