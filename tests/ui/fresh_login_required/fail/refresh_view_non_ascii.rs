use login_runtime::fresh_login_required;

#[fresh_login_required(refresh_view = "/登录")]
async fn settings() -> &'static str {
    "fresh"
}

fn main() {}
