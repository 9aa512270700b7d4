use actix_web::HttpRequest;
use login_runtime::{UserMixin, request_loader};

#[derive(Clone, UserMixin)]
struct User {
    id: String,
}

#[request_loader]
async fn api_key(req: HttpRequest) -> User {
    User { id: req.path().to_owned() }
}

fn main() {}
