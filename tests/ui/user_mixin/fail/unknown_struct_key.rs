use login_runtime::UserMixin;

#[derive(UserMixin)]
#[user(id = "email")]
struct User {
    email: String,
}

fn main() {}
