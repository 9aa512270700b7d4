use login_runtime::UserMixin;

struct AccountKey {
    tenant: u32,
    number: u32,
}

#[derive(UserMixin)]
struct User {
    id: AccountKey,
}

fn main() {}
