use login_runtime::UserMixin;

#[derive(UserMixin)]
enum User {
    Admin { id: String },
    Guest,
}

fn main() {}
