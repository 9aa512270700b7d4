use actix_web::HttpRequest;
use login_runtime::{UserMixin, request_loader};

#[derive(Clone, UserMixin)]
struct User {
    id: String,
}

#[request_loader]
async fn api_key<R: Into<HttpRequest>>(req: R) -> Option<User> {
    let _ = req;
    None
}

fn main() {}
