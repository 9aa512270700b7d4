use login_runtime::{UserMixin, user_loader};

#[derive(Clone, UserMixin)]
struct User {
    id: String,
}

struct Db;

impl Db {
    #[user_loader]
    async fn load_user(&self, id: String) -> Option<User> {
        Some(User { id })
    }
}

fn main() {}
