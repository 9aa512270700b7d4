//! A request loader becomes a unit struct of the same name, registered with the builder.
use actix_web::HttpRequest;
use login_runtime::{LoginManager, UserMixin, request_loader, user_loader};

#[derive(Clone, UserMixin)]
pub struct User {
    pub id: String,
}

#[user_loader]
async fn load_user(id: String) -> Option<User> {
    Some(User { id })
}

/// Loads a user from an API key.
#[request_loader]
pub async fn api_key(req: HttpRequest) -> Result<Option<User>, std::io::Error> {
    Ok(req
        .headers()
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
        .map(|key| User { id: key.to_owned() }))
}

fn main() {
    let _ = LoginManager::<User>::builder("a secret key of at least thirty-two bytes, really")
        .request_loader(api_key)
        .build();
}
