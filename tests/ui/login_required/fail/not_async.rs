use login_runtime::login_required;

#[login_required]
fn dashboard() -> &'static str {
    "secret"
}

fn main() {}
