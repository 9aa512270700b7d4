use login_runtime::login_required;

#[login_required(json, html)]
async fn dashboard() -> &'static str {
    "secret"
}

fn main() {}
