use actix_web::web;
use login_runtime::{UserMixin, request_loader};

#[derive(Clone, UserMixin)]
struct User {
    id: String,
}

#[derive(serde::Deserialize)]
struct Credentials {
    key: String,
}

// A `String` parameter is the request body, not an id: it would log everyone in as "".
#[request_loader]
async fn by_id(id: String) -> Option<User> {
    Some(User { id })
}

#[request_loader]
async fn by_body(body: web::Json<Credentials>) -> Option<User> {
    Some(User { id: body.into_inner().key })
}

fn main() {}
