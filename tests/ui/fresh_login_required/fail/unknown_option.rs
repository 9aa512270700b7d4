use login_runtime::fresh_login_required;

#[fresh_login_required(login_veiw = "/login")]
async fn dashboard() -> &'static str {
    "secret"
}

fn main() {}
