use login_runtime::UserMixin;

#[derive(UserMixin)]
struct Reading {
    id: f64,
}

fn main() {}
