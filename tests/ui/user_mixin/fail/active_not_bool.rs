use login_runtime::UserMixin;

#[derive(UserMixin)]
struct User {
    id: String,
    #[user(active)]
    status: String,
}

fn main() {}
