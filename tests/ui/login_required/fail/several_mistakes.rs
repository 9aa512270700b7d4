use login_runtime::login_required;

#[login_required(login_view = "login", jsn, max_age = "15m")]
async fn dashboard() -> &'static str {
    "secret"
}

fn main() {}
