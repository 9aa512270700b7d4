//! The command line: `login-example-app` alone (or `serve`) runs the server; the other commands
//! name the administrators, on the database that `DATABASE_URL` points at:
//!
//! ```text
//! login-example-app grant-admin NAME    make the registered user NAME an administrator
//! login-example-app revoke-admin NAME   make them an ordinary user again
//! login-example-app admins              list the administrators
//! ```
//!
//! This is the only way to become an administrator (why: [`permissions`](crate::permissions)).
//! The server may be running meanwhile (SQLite serializes the writes); the change counts from
//! the user's next request.

use crate::db::{self, Db, User};
use crate::permissions::Perm;

/// What the command line asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Run the server (no command, or `serve`).
    Serve,
    /// `grant-admin NAME`.
    GrantAdmin(String),
    /// `revoke-admin NAME`.
    RevokeAdmin(String),
    /// `admins`.
    ListAdmins,
    /// `help`, `-h`, `--help`.
    Help,
}

/// The help text.
pub const USAGE: &str = "\
usage: login-example-app [COMMAND]

commands:
  serve               run the server (the default)
  grant-admin NAME    make the registered user NAME an administrator
  revoke-admin NAME   make NAME an ordinary user again
  admins              list the administrators
  help                show this text

The server reads DATABASE_URL, SECRET_KEY, SECURE_COOKIES, HOST and PORT. The admin commands
change the database at DATABASE_URL, which must be the server's database file
(DATABASE_URL=sqlite://app.db): an in-memory database belongs to the server alone.";

/// A command that failed, with the process's exit code: 2 for a mistake in the command line,
/// 1 for a failure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CliError {
    /// The exit code.
    pub code: u8,
    /// What to print.
    pub message: String,
}

fn usage_error(message: String) -> CliError {
    CliError { code: 2, message }
}

fn failure(message: String) -> CliError {
    CliError { code: 1, message }
}

/// Reads the arguments after the program name.
pub fn parse(args: &[String]) -> Result<Command, CliError> {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        [] | ["serve"] => Ok(Command::Serve),
        ["help" | "-h" | "--help"] => Ok(Command::Help),
        ["admins"] => Ok(Command::ListAdmins),
        ["grant-admin", name] => Ok(Command::GrantAdmin((*name).to_owned())),
        ["revoke-admin", name] => Ok(Command::RevokeAdmin((*name).to_owned())),
        [cmd @ ("grant-admin" | "revoke-admin")] => {
            Err(usage_error(format!("`{cmd}` needs the username: `{cmd} NAME`")))
        }
        [
            cmd @ ("grant-admin" | "revoke-admin" | "serve" | "admins" | "help"),
            ..,
        ] => Err(usage_error(format!("too many arguments for `{cmd}`"))),
        [other, ..] => Err(usage_error(format!("unknown command `{other}`"))),
    }
}

/// Runs an admin command on the database at `database_url` (the `DATABASE_URL` variable) and
/// returns what to print.
pub async fn run(command: &Command, database_url: Option<&str>) -> Result<String, CliError> {
    let Some(url) = database_url.map(str::trim).filter(|u| !u.is_empty()) else {
        return Err(usage_error(
            "DATABASE_URL is not set: set it to the server's database file, \
             as for the server (DATABASE_URL=sqlite://app.db)"
                .to_owned(),
        ));
    };
    if db::is_in_memory(url) {
        return Err(usage_error(format!(
            "DATABASE_URL `{url}` is an in-memory database, which only the server itself can see \
             and which is gone when it stops: run the server on a database file \
             (DATABASE_URL=sqlite://app.db) and give this command the same file"
        )));
    }
    let db = Db::connect_existing(url)
        .await
        .map_err(|e| failure(format!("DATABASE_URL `{url}`: {e}")))?;
    let done = match command {
        Command::GrantAdmin(name) => grant_admin(&db, name).await,
        Command::RevokeAdmin(name) => revoke_admin(&db, name).await,
        Command::ListAdmins => list_admins(&db).await,
        Command::Serve | Command::Help => Err(failure("not an admin command".to_owned())),
    };
    db.pool().close().await;
    done
}

fn database_failure(err: sqlx::Error) -> CliError {
    failure(format!("the database failed: {err}"))
}

async fn registered(db: &Db, username: &str) -> Result<User, CliError> {
    db.user_by_username(username.trim())
        .await
        .map_err(database_failure)?
        .ok_or_else(|| {
            failure(format!(
                "there is no user named `{username}`: they must register on the site first"
            ))
        })
}

/// Makes the registered user `username` (any case) an administrator.
pub async fn grant_admin(db: &Db, username: &str) -> Result<String, CliError> {
    let user = registered(db, username).await?;
    let granted = db
        .grant_permission(user.id, Perm::Admin)
        .await
        .map_err(database_failure)?;
    Ok(if granted {
        format!("{} is now an administrator.", user.username)
    } else {
        format!("{} was already an administrator.", user.username)
    })
}

/// Makes the administrator `username` (any case) an ordinary user again.
pub async fn revoke_admin(db: &Db, username: &str) -> Result<String, CliError> {
    let user = registered(db, username).await?;
    let revoked = db
        .revoke_permission(user.id, Perm::Admin)
        .await
        .map_err(database_failure)?;
    Ok(if revoked {
        format!("{} is no longer an administrator.", user.username)
    } else {
        format!("{} was not an administrator.", user.username)
    })
}

/// The administrators, one a line.
pub async fn list_admins(db: &Db) -> Result<String, CliError> {
    let names = db.usernames_with(Perm::Admin).await.map_err(database_failure)?;
    Ok(if names.is_empty() {
        "There are no administrators: grant the role with `grant-admin NAME`.".to_owned()
    } else {
        names.join("\n")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(args: &[&str]) -> Result<Command, CliError> {
        parse(&args.iter().map(|a| (*a).to_owned()).collect::<Vec<_>>())
    }

    #[test]
    fn the_command_line_is_read_strictly() {
        assert_eq!(parsed(&[]), Ok(Command::Serve));
        assert_eq!(parsed(&["serve"]), Ok(Command::Serve));
        assert_eq!(parsed(&["--help"]), Ok(Command::Help));
        assert_eq!(parsed(&["admins"]), Ok(Command::ListAdmins));
        assert_eq!(
            parsed(&["grant-admin", "alice"]),
            Ok(Command::GrantAdmin("alice".to_owned()))
        );
        assert_eq!(
            parsed(&["revoke-admin", "alice"]),
            Ok(Command::RevokeAdmin("alice".to_owned()))
        );
        for wrong in [
            &["grant-admin"][..],
            &["grant-admin", "alice", "bob"],
            &["admins", "alice"],
            &["make-me-admin"],
            &["--grant-admin=alice"],
        ] {
            let err = parsed(wrong).expect_err("refused");
            assert_eq!(err.code, 2, "{wrong:?}: {}", err.message);
        }
    }

    #[actix_web::test]
    async fn an_in_memory_or_missing_database_is_refused_before_anything_runs() {
        let grant = Command::GrantAdmin("alice".to_owned());
        let unset = run(&grant, None).await.expect_err("refused");
        assert!(
            unset.message.contains("DATABASE_URL is not set"),
            "{}",
            unset.message
        );
        let memory = run(&grant, Some("sqlite::memory:")).await.expect_err("refused");
        assert!(memory.message.contains("in-memory"), "{}", memory.message);
        let dir = tempfile::tempdir().expect("a temporary directory");
        let missing = format!("sqlite://{}", dir.path().join("typo.db").display());
        let err = run(&grant, Some(&missing)).await.expect_err("refused");
        assert_eq!(err.code, 1, "{}", err.message);
        assert!(
            !dir.path().join("typo.db").exists(),
            "a mistyped path creates no database"
        );
    }
}
