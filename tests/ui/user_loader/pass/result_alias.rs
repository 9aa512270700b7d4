//! A loader may return a one-argument `Result` alias such as `std::io::Result<Option<U>>`.
use login_runtime::{UserMixin, user_loader};

#[derive(Clone, UserMixin)]
pub struct User {
    id: u64,
}

#[user_loader]
async fn load_user(id: u64) -> std::io::Result<Option<User>> {
    Ok(Some(User { id }))
}

fn main() {}
