//! Administrators: `GET /admin` behind `#[login_required(permission = Perm::Admin)]`, the 403
//! page of the users without the permission, the header's "Admin" link, and the command line,
//! the only way to become an administrator.

use std::process::{Command, Output};

use login_example_app::cli;
use login_example_app::db::Db;

use super::*;

/// Starts the app, keeping a handle on its database (to grant the role in-process, as
/// `login-example-app grant-admin` does on a file).
macro_rules! start_with_db {
    ($config:expr) => {{
        let shared = prepare(&$config).await.expect("the app starts");
        let db: Db = shared.db().clone();
        (test::init_service(app(shared)).await, db)
    }};
}

/// A new browser in which `username` has registered and logged in.
async fn logged_in<S, B>(app: &S, username: &str) -> Browser
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let mut browser = Browser::new();
    let registered = browser.register(app, username, PASSWORD).await;
    assert_eq!(
        registered.location.as_deref(),
        Some("/login"),
        "{username} registers"
    );
    let login = browser.login(app, username, PASSWORD, false).await;
    assert_eq!(login.location.as_deref(), Some("/profile"), "{username} logs in");
    browser
}

/// The accounts listed on an admin page: name, and whether marked administrator.
fn accounts(body: &str) -> Vec<(String, bool)> {
    body.split("<tr class=\"user")
        .skip(1)
        .map(|row| {
            let name = row
                .split("<strong class=\"username\">")
                .nth(1)
                .and_then(|rest| rest.split('<').next())
                .unwrap_or_default();
            (name.to_owned(), row.starts_with(" admin\""))
        })
        .collect()
}

/// Whether the page's header has the "Admin" link.
fn has_admin_link(body: &str) -> bool {
    body.contains("id=\"nav-admin\"")
}

/// The number of permission rows in the database.
async fn grants(db: &Db) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM user_permissions")
        .fetch_one(db.pool())
        .await
        .expect("the table exists")
}

#[actix_web::test]
async fn an_administrator_sees_every_account_on_the_admin_page() {
    let (app, db) = start_with_db!(config());
    let mut alice = logged_in(&app, "alice").await;
    let mut bob = logged_in(&app, "bob").await;
    bob.post(&app, "/profile/token", &[]).await;
    assert_eq!(
        cli::grant_admin(&db, "alice").await,
        Ok("alice is now an administrator.".to_owned())
    );

    let page = alice.get(&app, "/admin").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(page.cache_control.as_deref(), Some("no-store"));
    assert!(page.body.contains("<h1 id=\"admin-title\">Administration</h1>"));
    assert_eq!(
        accounts(&page.body),
        [("alice".to_owned(), true), ("bob".to_owned(), false)],
        "every account, oldest first, administrators marked"
    );
    assert!(
        page.body.contains(" UTC") && page.body.contains("just now"),
        "when they registered"
    );
    assert!(page.body.contains("2 accounts, 1"), "the summary counts them");
    // The role shows nowhere but on this page and in the header; the other user's token is a
    // yes or no, never the token.
    assert!(page.body.contains("<td>yes</td>"), "bob has an API token");
}

#[actix_web::test]
async fn a_user_without_the_permission_gets_the_403_page_and_stays_logged_in() {
    let app = start!();
    let mut bob = logged_in(&app, "bob").await;
    for _ in 0..2 {
        let reply = bob.get(&app, "/admin").await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.body);
        assert_eq!(
            reply.location, None,
            "a 403 is never a redirect to the login page"
        );
        assert!(
            reply
                .body
                .contains("<h1 id=\"forbidden-title\">403 Forbidden</h1>"),
            "{}",
            reply.body
        );
        assert!(reply.body.contains("for administrators only"));
        assert!(
            reply.body.contains("<a href=\"/\" id=\"forbidden-home\">"),
            "a link home"
        );
        assert!(
            reply.body.contains("<strong id=\"nav-username\">bob</strong>"),
            "the header still shows bob logged in, with the logout form: {}",
            reply.body
        );
        assert!(reply.body.contains("action=\"/logout\""));
        assert!(
            !reply
                .set_cookies
                .iter()
                .any(|c| c == "session" || c == "remember_token")
        );
    }
    assert_eq!(
        bob.get(&app, "/profile").await.status,
        StatusCode::OK,
        "still logged in"
    );
    // The logout form on the 403 page works (its CSRF token is this browser's).
    let reply = bob.get(&app, "/admin").await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(
        bob.post(&app, "/logout", &[]).await.location.as_deref(),
        Some("/")
    );
    assert_eq!(bob.get(&app, "/admin").await.status, StatusCode::FOUND);
}

#[actix_web::test]
async fn an_anonymous_visitor_of_the_admin_page_is_sent_to_log_in_and_back() {
    let (app, db) = start_with_db!(config());
    Browser::new().register(&app, "alice", PASSWORD).await;
    cli::grant_admin(&db, "alice").await.expect("granted");

    let mut visitor = Browser::new();
    let reply = visitor.get(&app, "/admin").await;
    assert_eq!(reply.status, StatusCode::FOUND);
    assert_eq!(reply.location.as_deref(), Some("/login?next=%2Fadmin"));
    let reply = visitor
        .login_next(&app, "alice", PASSWORD, false, Some("/admin"))
        .await;
    assert_eq!(reply.location.as_deref(), Some("/admin"));
    assert_eq!(visitor.get(&app, "/admin").await.status, StatusCode::OK);
}

#[actix_web::test]
async fn the_admin_link_shows_only_for_administrators() {
    let (app, db) = start_with_db!(config());
    let mut alice = logged_in(&app, "alice").await;
    let mut bob = logged_in(&app, "bob").await;
    cli::grant_admin(&db, "alice").await.expect("granted");
    let mut visitor = Browser::new();
    for path in ["/", "/profile", "/account/sessions", "/nowhere"] {
        let page = alice.get(&app, path).await;
        assert!(has_admin_link(&page.body), "alice, an administrator, on {path}");
        let page = bob.get(&app, path).await;
        assert!(!has_admin_link(&page.body), "bob on {path}");
        let page = visitor.get(&app, "/").await;
        assert!(!has_admin_link(&page.body), "a visitor");
    }
    assert!(
        !has_admin_link(&bob.get(&app, "/admin").await.body),
        "bob's 403 page"
    );
    assert!(has_admin_link(&alice.get(&app, "/admin").await.body));
    // Revoked: gone from the next page, without logging in again.
    cli::revoke_admin(&db, "alice").await.expect("revoked");
    assert!(!has_admin_link(&alice.get(&app, "/").await.body));
    assert_eq!(alice.get(&app, "/admin").await.status, StatusCode::FORBIDDEN);
}

/// Runs the app's binary with `args`, on the database at `database_url` (unset if `None`).
fn command(args: &[&str], database_url: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_login-example-app"));
    cmd.args(args).env("RUST_LOG", "warn").env_remove("DATABASE_URL");
    if let Some(url) = database_url {
        cmd.env("DATABASE_URL", url);
    }
    cmd.output().expect("the binary runs")
}

fn said(output: &Output) -> (Option<i32>, String, String) {
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).trim().to_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[actix_web::test]
async fn the_grant_admin_command_names_administrators_while_the_server_runs() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let url = format!("sqlite://{}", dir.path().join("app.db").display());
    let app = start!(Config {
        database_url: url.clone(),
        ..config()
    });
    let mut alice = logged_in(&app, "alice").await;
    assert_eq!(alice.get(&app, "/admin").await.status, StatusCode::FORBIDDEN);

    let (code, out, err) = said(&command(&["grant-admin", "ALICE"], Some(&url)));
    assert_eq!(
        (code, out.as_str()),
        (Some(0), "alice is now an administrator."),
        "{err}"
    );
    // The next page knows, without logging in again or restarting the server.
    assert_eq!(alice.get(&app, "/admin").await.status, StatusCode::OK);
    let (code, out, _) = said(&command(&["grant-admin", "alice"], Some(&url)));
    assert_eq!(
        (code, out.as_str()),
        (Some(0), "alice was already an administrator.")
    );
    let (code, out, _) = said(&command(&["admins"], Some(&url)));
    assert_eq!((code, out.as_str()), (Some(0), "alice"));

    let (code, _, err) = said(&command(&["grant-admin", "mallory"], Some(&url)));
    assert_eq!(code, Some(1));
    assert!(err.contains("no user named `mallory`"), "{err}");
    let (code, _, err) = said(&command(&["grant-admin", "alice"], None));
    assert_eq!(code, Some(2));
    assert!(err.contains("DATABASE_URL is not set"), "{err}");
    let (code, _, err) = said(&command(&["grant-admin", "alice"], Some("sqlite::memory:")));
    assert_eq!(code, Some(2));
    assert!(err.contains("in-memory"), "{err}");
    let (code, _, err) = said(&command(&["grant-admin"], Some(&url)));
    assert_eq!(code, Some(2));
    assert!(
        err.contains("needs the username") && err.contains("usage:"),
        "{err}"
    );

    let (code, out, _) = said(&command(&["revoke-admin", "alice"], Some(&url)));
    assert_eq!(
        (code, out.as_str()),
        (Some(0), "alice is no longer an administrator.")
    );
    assert_eq!(alice.get(&app, "/admin").await.status, StatusCode::FORBIDDEN);
    let (code, out, _) = said(&command(&["admins"], Some(&url)));
    assert_eq!(code, Some(0));
    assert!(out.starts_with("There are no administrators"), "{out}");
}

#[actix_web::test]
async fn no_web_request_makes_anyone_an_administrator() {
    let (app, db) = start_with_db!(config());
    // The first account is an ordinary one, whatever its form says.
    let mut first = Browser::new();
    first.get(&app, "/register").await;
    let reply = first
        .post(
            &app,
            "/register",
            &[
                ("username", "first"),
                ("password", PASSWORD),
                ("confirm", PASSWORD),
                ("admin", "on"),
                ("is_admin", "1"),
                ("permission", "admin"),
                ("role", "admin"),
            ],
        )
        .await;
    assert_eq!(reply.location.as_deref(), Some("/login"));
    first.login(&app, "first", PASSWORD, false).await;
    assert_eq!(first.get(&app, "/admin").await.status, StatusCode::FORBIDDEN);

    // No route writes permissions: what looks like one is a 404, and changes nothing.
    let fields: Fields<'_> = &[("username", "first"), ("permission", "admin")];
    for path in [
        "/admin",
        "/admin/grant",
        "/admin/users",
        "/admin/grant-admin",
        "/api/admin",
    ] {
        let reply = first.post(&app, path, fields).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "POST {path}");
    }
    let reply = first.get(&app, "/admin?grant=first&permission=admin").await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(grants(&db).await, 0, "no permission was written");
    assert_eq!(first.get(&app, "/admin").await.status, StatusCode::FORBIDDEN);
}
