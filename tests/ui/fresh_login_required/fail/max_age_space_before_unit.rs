use login_runtime::fresh_login_required;

#[fresh_login_required(max_age = "15 m")]
async fn change_password() -> &'static str {
    "form"
}

fn main() {}
