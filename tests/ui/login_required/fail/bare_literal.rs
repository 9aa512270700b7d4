use login_runtime::login_required;

#[login_required("/login")]
async fn dashboard() -> &'static str {
    "secret"
}

fn main() {}
