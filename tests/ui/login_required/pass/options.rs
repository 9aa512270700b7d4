//! Every option of `#[login_required]`.
use actix_web::{App, get};
use login_runtime::login_required;

#[get("/a")]
#[login_required(login_view = "/account/login")]
async fn custom_view() -> &'static str {
    "a"
}

#[get("/b")]
#[login_required(json)]
async fn api() -> &'static str {
    "b"
}

#[get("/c")]
#[login_required(html, login_view = "https://sso.example.com/login")]
async fn page() -> &'static str {
    "c"
}

fn main() {
    let _ = App::new().service(custom_view).service(api).service(page);
}
