use login_runtime::login_required;

#[login_required(login_view = 42)]
async fn dashboard() -> &'static str {
    "secret"
}

fn main() {}
