use login_runtime::{anonymous_required, login_required};

#[anonymous_required]
#[login_required]
async fn confused() -> &'static str {
    "?"
}

#[anonymous_required(login_view = "/login", redirect = "account")]
async fn signup() -> &'static str {
    "sign up"
}

fn main() {}
