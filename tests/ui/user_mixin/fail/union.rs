use login_runtime::UserMixin;

#[derive(UserMixin)]
union User {
    id: u64,
    other: u32,
}

fn main() {}
