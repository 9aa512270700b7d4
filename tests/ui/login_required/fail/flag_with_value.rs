use login_runtime::login_required;

#[login_required(json = "yes")]
async fn api() -> &'static str {
    "secret"
}

fn main() {}
