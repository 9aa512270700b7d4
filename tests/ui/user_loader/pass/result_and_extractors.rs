//! A loader may return `Result<Option<U>, E>`, take extractors after the id, and be `pub`.
use actix_web::{HttpRequest, web};
use login_runtime::{UserMixin, user_loader};

#[derive(Clone, UserMixin)]
pub struct User {
    id: u64,
}

pub struct Db;

#[derive(Debug)]
pub struct DbError;

impl std::fmt::Display for DbError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("database unreachable")
    }
}

/// Loads a user.
#[user_loader]
pub async fn load_user(id: u64, db: web::Data<Db>, req: HttpRequest) -> Result<Option<User>, DbError> {
    let _ = (db, req);
    Ok(Some(User { id }))
}

fn main() {}
