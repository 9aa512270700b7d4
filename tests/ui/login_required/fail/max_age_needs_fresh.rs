use login_runtime::login_required;

#[login_required(max_age = "15m")]
async fn settings() -> &'static str {
    "secret"
}

fn main() {}
