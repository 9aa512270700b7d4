//! The database: an SQLite pool, the migrations, the `User` model and every query the app runs
//! (but the session store's, in [`session_store`](crate::session_store)): users, and the
//! permissions granted to them (table `user_permissions`).
//!
//! Queries are plain strings checked at run time (`sqlx::query`), so building the app needs no
//! database and no `DATABASE_URL`. The migrations in `migrations/` are compiled into the binary
//! and applied at start-up, so the binary runs from any directory.

use std::borrow::Cow;
use std::str::FromStr;
use std::time::Duration;

use login_runtime::UserMixin;
use sqlx::Row;
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow};

use crate::permissions::Perm;

/// The migrations, in order. Add a line here when you add a file to `migrations/`.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "create users",
        include_str!("../migrations/0001_create_users.sql"),
    ),
    (
        2,
        "create login sessions",
        include_str!("../migrations/0002_create_login_sessions.sql"),
    ),
    (
        3,
        "create user permissions",
        include_str!("../migrations/0003_create_user_permissions.sql"),
    ),
];

/// A registered user, as stored in the `users` table.
///
/// `#[derive(UserMixin)]` makes it something `login-runtime` can log in: `id` is the user id
/// kept in the session and the remember cookie, and `password_hash` is the auth hash, so
/// changing the password ends every other session and remember cookie of the user.
#[derive(Clone, Debug, UserMixin)]
pub struct User {
    /// The primary key.
    pub id: i64,
    /// The login name, unique without regard to case.
    pub username: String,
    /// The Argon2id hash of the password (a PHC string).
    #[user(auth_hash)]
    pub password_hash: String,
    /// Whether the user has created an API token.
    pub has_api_token: bool,
}

impl User {
    fn from_row(row: &SqliteRow) -> Result<User, sqlx::Error> {
        Ok(User {
            id: row.try_get("id")?,
            username: row.try_get("username")?,
            password_hash: row.try_get("password_hash")?,
            has_api_token: row.try_get("has_api_token")?,
        })
    }
}

/// `SELECT` of every `User` column, with a `WHERE` clause.
macro_rules! select_user {
    ($where:literal) => {
        concat!(
            "SELECT id, username, password_hash, api_token_hash IS NOT NULL AS has_api_token FROM users WHERE ",
            $where
        )
    };
}

/// A row of the admin page's list of users.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserSummary {
    /// The primary key.
    pub id: i64,
    /// The login name.
    pub username: String,
    /// When the account was created, in Unix seconds.
    pub created_at: i64,
    /// Whether the user holds [`Perm::Admin`].
    pub admin: bool,
    /// Whether the user has created an API token.
    pub has_api_token: bool,
}

/// Registration failed because the name is taken (the `UNIQUE` constraint said so).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UsernameTaken;

/// Whether `url` names an in-memory database (`sqlite::memory:`, `mode=memory`), which lives
/// only as long as the process that opened it.
pub fn is_in_memory(url: &str) -> bool {
    url.contains(":memory:") || url.contains("mode=memory")
}

/// A handle on the database, cheap to clone into every worker.
#[derive(Clone, Debug)]
pub struct Db {
    pool: SqlitePool,
}

impl Db {
    /// Opens the database at `url` (`sqlite::memory:`, `sqlite://app.db`, ...), creating the
    /// file if needed, and applies the migrations.
    pub async fn connect(url: &str) -> Result<Db, sqlx::Error> {
        Db::open(url, true).await
    }

    /// Opens the database file at `url`, which must exist (a mistyped path is an error, not a
    /// new empty database), and applies the migrations. For the command line.
    pub async fn connect_existing(url: &str) -> Result<Db, sqlx::Error> {
        Db::open(url, false).await
    }

    async fn open(url: &str, create_if_missing: bool) -> Result<Db, sqlx::Error> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(create_if_missing)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        let pool = if is_in_memory(url) {
            // An in-memory database lives as long as one of its connections: keep exactly one,
            // forever.
            SqlitePoolOptions::new()
                .max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None)
                .connect_with(options)
                .await?
        } else {
            SqlitePoolOptions::new()
                .max_connections(4)
                .connect_with(options.journal_mode(SqliteJournalMode::Wal))
                .await?
        };
        let db = Db { pool };
        db.migrate().await?;
        Ok(db)
    }

    /// The pool, for other stores on the same database (the session store).
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    async fn migrate(&self) -> Result<(), sqlx::Error> {
        let migrations = MIGRATIONS
            .iter()
            .map(|&(version, description, sql)| {
                Migration::new(
                    version,
                    Cow::Borrowed(description),
                    MigrationType::Simple,
                    sqlx::SqlSafeStr::into_sql_str(sql),
                    false,
                )
            })
            .collect();
        Migrator::with_migrations(migrations)
            .run(&self.pool)
            .await
            .map_err(|e| sqlx::Error::Migrate(Box::new(e)))
    }

    /// Inserts a user; `Ok(Err(UsernameTaken))` when the name is already registered.
    pub async fn create_user(
        &self,
        username: &str,
        password_hash: &str,
    ) -> Result<Result<User, UsernameTaken>, sqlx::Error> {
        let inserted = sqlx::query("INSERT INTO users (username, password_hash) VALUES (?, ?) RETURNING id")
            .bind(username)
            .bind(password_hash)
            .fetch_one(&self.pool)
            .await;
        match inserted {
            Ok(row) => Ok(Ok(User {
                id: row.try_get("id")?,
                username: username.to_owned(),
                password_hash: password_hash.to_owned(),
                has_api_token: false,
            })),
            Err(e) if e.as_database_error().is_some_and(|d| d.is_unique_violation()) => {
                Ok(Err(UsernameTaken))
            }
            Err(e) => Err(e),
        }
    }

    /// The user with this id.
    pub async fn user_by_id(&self, id: i64) -> Result<Option<User>, sqlx::Error> {
        let row = sqlx::query(select_user!("id = ?"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(User::from_row).transpose()
    }

    /// The user with this name (case-insensitive).
    pub async fn user_by_username(&self, username: &str) -> Result<Option<User>, sqlx::Error> {
        let row = sqlx::query(select_user!("username = ?"))
            .bind(username)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(User::from_row).transpose()
    }

    /// The user whose API token hashes to `token_hash`.
    pub async fn user_by_token_hash(&self, token_hash: &str) -> Result<Option<User>, sqlx::Error> {
        let row = sqlx::query(select_user!("api_token_hash = ?"))
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(User::from_row).transpose()
    }

    /// Replaces a user's password hash.
    pub async fn set_password_hash(&self, id: i64, password_hash: &str) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE users SET password_hash = ? WHERE id = ?")
            .bind(password_hash)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Stores (or, with `None`, removes) the hash of a user's API token.
    pub async fn set_api_token_hash(&self, id: i64, token_hash: Option<&str>) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE users SET api_token_hash = ? WHERE id = ?")
            .bind(token_hash)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The names of the permissions granted to a user (the permission loader turns them into
    /// [`Perm`]s).
    pub async fn permission_names(&self, user_id: i64) -> Result<Vec<String>, sqlx::Error> {
        sqlx::query_scalar("SELECT permission FROM user_permissions WHERE user_id = ? ORDER BY permission")
            .bind(user_id)
            .fetch_all(&self.pool)
            .await
    }

    /// Grants `permission` to a user; `false` when they held it already.
    pub async fn grant_permission(&self, user_id: i64, permission: Perm) -> Result<bool, sqlx::Error> {
        let done = sqlx::query("INSERT OR IGNORE INTO user_permissions (user_id, permission) VALUES (?, ?)")
            .bind(user_id)
            .bind(permission.name())
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Takes `permission` away from a user; `false` when they did not hold it.
    pub async fn revoke_permission(&self, user_id: i64, permission: Perm) -> Result<bool, sqlx::Error> {
        let done = sqlx::query("DELETE FROM user_permissions WHERE user_id = ? AND permission = ?")
            .bind(user_id)
            .bind(permission.name())
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The names of the users holding `permission`, alphabetically.
    pub async fn usernames_with(&self, permission: Perm) -> Result<Vec<String>, sqlx::Error> {
        sqlx::query_scalar(
            "SELECT u.username FROM users u JOIN user_permissions p ON p.user_id = u.id \
             WHERE p.permission = ? ORDER BY u.username",
        )
        .bind(permission.name())
        .fetch_all(&self.pool)
        .await
    }

    /// Every user, oldest account first, for the admin page.
    pub async fn all_users(&self) -> Result<Vec<UserSummary>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT id, username, created_at, api_token_hash IS NOT NULL AS has_api_token, \
             EXISTS (SELECT 1 FROM user_permissions p \
                     WHERE p.user_id = users.id AND p.permission = ?) AS admin \
             FROM users ORDER BY id",
        )
        .bind(Perm::Admin.name())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(UserSummary {
                    id: row.try_get("id")?,
                    username: row.try_get("username")?,
                    created_at: row.try_get("created_at")?,
                    admin: row.try_get("admin")?,
                    has_api_token: row.try_get("has_api_token")?,
                })
            })
            .collect()
    }
}
