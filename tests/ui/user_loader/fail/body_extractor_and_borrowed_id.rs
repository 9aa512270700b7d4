use actix_web::web;
use login_runtime::{UserMixin, user_loader};

#[derive(Clone, UserMixin)]
struct User {
    id: String,
}

#[user_loader]
async fn load_user(id: &str, form: web::Form<Vec<(String, String)>>) -> Option<User> {
    let _ = form;
    Some(User { id: id.to_owned() })
}

fn main() {}
