use login_runtime::UserMixin;

#[derive(UserMixin)]
struct User {
    id: String,
    #[user(is_active)]
    enabled: bool,
}

fn main() {}
