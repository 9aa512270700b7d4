use actix_web::HttpRequest;
use login_runtime::{UserMixin, request_loader};

#[derive(Clone, UserMixin)]
struct User {
    id: String,
}

#[request_loader]
fn api_key(req: HttpRequest) -> Option<User> {
    let key = req.headers().get("x-api-key")?.to_str().ok()?;
    Some(User { id: key.to_owned() })
}

fn main() {}
