use login_runtime::fresh_login_required;

#[fresh_login_required(max_age = "99999999999999999999w")]
async fn settings() -> &'static str {
    "settings"
}

fn main() {}
