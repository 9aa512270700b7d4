//! Authorization: the app's permissions ([`Perm`]) and the permission loader that reads them
//! from the database (table `user_permissions`).
//!
//! `login-runtime` calls the loader lazily, at most once per request, and only when something
//! asks: a route guarded by `#[login_required(permission = Perm::Admin)]`, or the page header
//! ([`Page`](crate::render::Page)), which shows the "Admin" link to administrators. Nothing is
//! kept in the session, so a grant or a revocation counts from the user's next request, without
//! logging in again.
//!
//! # Who is an administrator
//!
//! Only the operator decides, on the server's command line:
//!
//! ```sh
//! DATABASE_URL=sqlite://app.db login-example-app grant-admin alice
//! DATABASE_URL=sqlite://app.db login-example-app revoke-admin alice
//! DATABASE_URL=sqlite://app.db login-example-app admins
//! ```
//!
//! No web request writes the table: the admin page only reads it, and registration grants
//! nothing, not even to the first account (on a new public deployment, the first account is
//! whoever registers first, which need not be you). A setting that named administrators by
//! username (`ADMIN_USERS=alice`) would have the same flaw for a name not registered yet. The
//! command line needs a shell on the server and the database file, which a web visitor does
//! not have. See [`cli`](crate::cli).

use std::collections::HashSet;

use actix_web::web;
use login_runtime::permission_loader;

use crate::db::{Db, User};

/// What a user may be allowed to do beyond using their own account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Perm {
    /// The admin pages (`GET /admin`).
    Admin,
}

impl Perm {
    /// Every permission.
    pub const ALL: &[Perm] = &[Perm::Admin];

    /// The name stored in the database.
    pub fn name(self) -> &'static str {
        match self {
            Perm::Admin => "admin",
        }
    }

    /// The permission stored as `name`, if the app knows it.
    pub fn from_name(name: &str) -> Option<Perm> {
        Perm::ALL.iter().copied().find(|p| p.name() == name)
    }
}

/// Loads a logged-in user's permissions from the database. An unknown name in the table (left
/// by a newer version of the app, or typed by hand) grants nothing. A database error fails the
/// request (a 500 on a guarded route), never reads as "no permission".
#[permission_loader]
async fn load_permissions(user: &User, db: web::Data<Db>) -> Result<HashSet<Perm>, sqlx::Error> {
    let names = db.permission_names(user.id).await?;
    Ok(names
        .iter()
        .filter_map(|name| {
            let perm = Perm::from_name(name);
            if perm.is_none() {
                tracing::warn!(user = user.id, permission = %name, "unknown permission ignored");
            }
            perm
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_names_grant_nothing() {
        for perm in Perm::ALL {
            assert_eq!(Perm::from_name(perm.name()), Some(*perm));
        }
        assert_eq!(Perm::from_name("Admin"), None);
        assert_eq!(Perm::from_name("root"), None);
    }
}
