use login_runtime::login_required;

fn is_staff(_user: &()) -> bool {
    true
}

#[login_required(permission = "admin")]
async fn admin() -> &'static str {
    "admin"
}

#[login_required(check = is_staff)]
async fn staff() -> &'static str {
    "staff"
}

fn main() {}
