//! The admin page in the browser: an ordinary user who opens `/admin` sees the app's 403 page,
//! at `/admin` (not sent to the login page) and still logged in; the operator makes them an
//! administrator with the binary's `grant-admin` while the server runs; their next page has the
//! "Admin" link, which opens the list of accounts.

use std::process::Command;

use fantoccini::Client;

use super::{PASSWORD, TestResult, click, count, fill, text_of, wait_for_path};

/// Runs `login-example-app grant-admin NAME` on the server's database file.
fn grant_admin(database_url: &str, username: &str) -> TestResult {
    let output = Command::new(env!("CARGO_BIN_EXE_login-example-app"))
        .args(["grant-admin", username])
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "warn")
        .output()?;
    let said = String::from_utf8_lossy(&output.stdout);
    check!(
        output.status.success() && said.contains("is now an administrator"),
        "grant-admin {username}: {} {said} {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(())
}

/// The page's path, now (after `goto`, which waits for the page and follows redirects).
async fn path_of(client: &Client) -> TestResult<String> {
    Ok(client.current_url().await?.path().to_owned())
}

/// carol registers and logs in, is refused the admin page, is made an administrator, sees it.
pub(crate) async fn forbidden_then_admin(client: &Client, base: &str, database_url: &str) -> TestResult {
    client.goto(&format!("{base}/register")).await?;
    fill(client, "username", "carol").await?;
    fill(client, "password", PASSWORD).await?;
    fill(client, "confirm", PASSWORD).await?;
    click(client, "#register").await?;
    wait_for_path(client, "/login").await?;
    fill(client, "username", "carol").await?;
    fill(client, "password", PASSWORD).await?;
    click(client, "#login").await?;
    wait_for_path(client, "/profile").await?;
    check_eq!(count(client, "#nav-admin").await?, 0);

    client.goto(&format!("{base}/admin")).await?;
    check_eq!(path_of(client).await?, "/admin");
    check_eq!(text_of(client, "#forbidden-title").await?, "403 Forbidden");
    let reason = text_of(client, "#forbidden-reason").await?;
    check!(reason.contains("for administrators only"), "{reason}");
    check!(client.title().await?.starts_with("Forbidden"), "the tab says so");
    check_eq!(text_of(client, "#nav-username").await?, "carol");
    check_eq!(count(client, "#nav-admin").await?, 0);
    click(client, "#forbidden-home").await?;
    wait_for_path(client, "/").await?;
    check_eq!(text_of(client, "#nav-username").await?, "carol");

    grant_admin(database_url, "carol")?;
    client.goto(&format!("{base}/profile")).await?;
    check_eq!(count(client, "#nav-admin").await?, 1);
    click(client, "#nav-admin").await?;
    wait_for_path(client, "/admin").await?;
    check_eq!(text_of(client, "#admin-title").await?, "Administration");
    // alice and bob registered earlier in the test; carol is the only administrator.
    check_eq!(count(client, "tr.user").await?, 3);
    check_eq!(text_of(client, "tr.user.admin .username").await?, "carol");
    check_eq!(count(client, "tr.user.admin").await?, 1);
    Ok(())
}
