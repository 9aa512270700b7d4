use login_runtime::UserMixin;

#[derive(UserMixin)]
struct User {
    id: String,
    #[user(active = true)]
    active: bool,
}

fn main() {}
