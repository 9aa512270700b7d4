use login_runtime::login_required;

#[login_required(login_view = "/log in")]
async fn dashboard() -> &'static str {
    "secret"
}

fn main() {}
