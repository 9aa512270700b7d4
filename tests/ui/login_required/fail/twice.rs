use login_runtime::{fresh_login_required, login_required};

#[login_required]
#[login_required]
async fn dashboard() -> &'static str {
    "secret"
}

#[fresh_login_required(json)]
#[fresh_login_required(max_age = "5m")]
async fn settings() -> &'static str {
    "settings"
}

fn main() {}
