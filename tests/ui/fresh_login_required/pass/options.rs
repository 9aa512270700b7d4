//! Every option of `#[fresh_login_required]`.
use actix_web::{App, get};
use login_runtime::fresh_login_required;

#[get("/a")]
#[fresh_login_required(max_age = "15m", refresh_view = "/reauth", login_view = "/login")]
async fn settings() -> &'static str {
    "a"
}

#[get("/b")]
#[fresh_login_required(json, max_age = "2h")]
async fn api() -> &'static str {
    "b"
}

fn main() {
    let _ = App::new().service(settings).service(api);
}
