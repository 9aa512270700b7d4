use login_runtime::UserMixin;

#[derive(UserMixin)]
struct User(String);

fn main() {}
