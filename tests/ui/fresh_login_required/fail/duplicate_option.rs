use login_runtime::fresh_login_required;

#[fresh_login_required(max_age = "15m", json, max_age = "1h")]
async fn settings() -> &'static str {
    "settings"
}

fn main() {}
