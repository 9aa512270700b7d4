//! Authentication: the two loaders `login-runtime` calls, password hashing with Argon2, the
//! credential check, the input rules, and API tokens.

use actix_web::http::header;
use actix_web::{HttpRequest, web};
use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use base64::Engine as _;
use login_runtime::{request_loader, user_loader};
use sha2::{Digest, Sha256};

use crate::db::{Db, User};

/// The shortest password accepted, in characters.
pub const MIN_PASSWORD_CHARS: usize = 8;
/// The longest password accepted, in bytes (hashing is deliberately slow; do not let a client
/// make it slower).
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// Loads the logged-in user from the id kept in the session or the remember cookie.
#[user_loader]
async fn load_user(id: i64, db: web::Data<Db>) -> Result<Option<User>, sqlx::Error> {
    db.user_by_id(id).await
}

/// Loads a user from an `Authorization: Bearer <token>` header, for the JSON API. A user loaded
/// this way gets no session cookie.
#[request_loader]
pub async fn bearer_token(req: HttpRequest, db: web::Data<Db>) -> Result<Option<User>, sqlx::Error> {
    let Some(token) = bearer(&req) else {
        return Ok(None);
    };
    db.user_by_token_hash(&token_hash(token)).await
}

/// The token of an `Authorization: Bearer <token>` header, if the header is one.
fn bearer(req: &HttpRequest) -> Option<&str> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// A new random API token, and the hash to store. Only the hash is kept; the user sees the
/// token once.
pub fn new_api_token() -> Result<(String, String), getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let hash = token_hash(&token);
    Ok((token, hash))
}

/// SHA-256 of a token, in hex. Tokens are random and long, so a fast hash is enough.
fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Hashing or checking a password failed for a reason that is not the user's.
#[derive(Debug)]
pub struct HashError(String);

impl std::fmt::Display for HashError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "password hashing failed: {}", self.0)
    }
}

impl std::error::Error for HashError {}

/// Hashes a password with Argon2id (default parameters, random salt), on the blocking thread
/// pool so the server keeps answering meanwhile.
pub async fn hash_password(password: String) -> Result<String, HashError> {
    web::block(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| HashError(e.to_string()))
    })
    .await
    .map_err(|e| HashError(e.to_string()))?
}

/// Whether `password` matches the stored PHC string, checked on the blocking thread pool.
pub async fn verify_password(password: String, hash: String) -> Result<bool, HashError> {
    web::block(move || {
        let parsed = PasswordHash::new(&hash).map_err(|e| HashError(e.to_string()))?;
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await
    .map_err(|e| HashError(e.to_string()))?
}

/// Why a login failed.
#[derive(Debug)]
pub enum CheckError {
    /// No such user, or the wrong password (the page does not say which).
    WrongCredentials,
    /// The database or the hasher failed.
    Internal(String),
}

/// Checks a username and password. An unknown name costs the same hashing time as a wrong
/// password (`dummy_hash`), so timing does not reveal which names exist.
pub async fn check_credentials(
    db: &Db,
    dummy_hash: &str,
    username: &str,
    password: &str,
) -> Result<User, CheckError> {
    let user = db
        .user_by_username(username)
        .await
        .map_err(|e| CheckError::Internal(e.to_string()))?;
    let hash = user
        .as_ref()
        .map_or_else(|| dummy_hash.to_owned(), |u| u.password_hash.clone());
    let matches = verify_password(password.to_owned(), hash)
        .await
        .map_err(|e| CheckError::Internal(e.to_string()))?;
    match user {
        Some(user) if matches => Ok(user),
        _ => Err(CheckError::WrongCredentials),
    }
}

/// What is wrong with a proposed username, if anything.
pub fn username_problem(username: &str) -> Option<&'static str> {
    let len = username.chars().count();
    if username.is_empty() {
        Some("Choose a username.")
    } else if !(3..=32).contains(&len) {
        Some("Usernames are 3 to 32 characters long.")
    } else if !username
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    {
        Some("Usernames may contain only letters, digits, `_`, `-` and `.`.")
    } else {
        None
    }
}

/// What is wrong with a proposed password and its confirmation, if anything.
pub fn password_problem(password: &str, confirm: &str) -> Option<String> {
    if password.is_empty() {
        Some("Choose a password.".to_owned())
    } else if password.chars().count() < MIN_PASSWORD_CHARS {
        Some(format!(
            "Passwords must be at least {MIN_PASSWORD_CHARS} characters long."
        ))
    } else if password.len() > MAX_PASSWORD_BYTES {
        Some(format!(
            "Passwords may be at most {MAX_PASSWORD_BYTES} bytes long."
        ))
    } else if password.contains(char::REPLACEMENT_CHARACTER) {
        // The form decoder turns bytes that are not UTF-8 into U+FFFD, so two different byte
        // strings would become the same password.
        Some("The password holds characters that could not be read: type it again.".to_owned())
    } else if password != confirm {
        Some("The two passwords do not match.".to_owned())
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_and_passwords_follow_the_rules() {
        assert_eq!(username_problem("alice"), None);
        assert!(username_problem("al").is_some());
        assert!(username_problem("a b c").is_some());
        assert!(username_problem("").is_some());
        assert_eq!(password_problem("correct horse", "correct horse"), None);
        assert!(password_problem("short", "short").is_some());
        assert!(password_problem("long enough", "long enougH").is_some());
        assert!(password_problem(&"x".repeat(2000), &"x".repeat(2000)).is_some());
        let garbled = "\u{FFFD}\u{FFFD}password";
        assert!(password_problem(garbled, garbled).is_some_and(|p| p.contains("could not be read")));
    }

    #[test]
    fn api_tokens_are_random_and_stored_as_hashes() {
        let (a, a_hash) = new_api_token().expect("random");
        let (b, _) = new_api_token().expect("random");
        assert_ne!(a, b);
        assert_eq!(a_hash, token_hash(&a));
        assert_eq!(a_hash.len(), 64);
        assert!(!a_hash.contains(&a));
    }
}
