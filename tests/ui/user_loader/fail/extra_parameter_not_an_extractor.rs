use login_runtime::{UserMixin, user_loader};

#[derive(Clone, UserMixin)]
struct User {
    id: String,
}

struct Db;

#[user_loader]
async fn load_user(id: String, db: Db) -> Option<User> {
    let _ = db;
    Some(User { id })
}

fn main() {}
