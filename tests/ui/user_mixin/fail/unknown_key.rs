use login_runtime::UserMixin;

#[derive(UserMixin)]
struct User {
    id: String,
    #[user(actve)]
    active: bool,
}

fn main() {}
