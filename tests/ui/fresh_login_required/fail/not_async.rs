use login_runtime::fresh_login_required;

#[fresh_login_required]
fn dashboard() -> &'static str {
    "secret"
}

fn main() {}
