//! Forms: bad input answered on the page, CSRF on every form, and `next` after a login.

use super::*;

#[actix_web::test]
async fn bad_registrations_get_a_message_on_the_page_and_no_server_error() {
    let app = start!();
    let mut b = Browser::new();
    assert_eq!(
        b.register(&app, "alice", PASSWORD).await.location.as_deref(),
        Some("/login")
    );

    let cases: &[(Fields<'_>, StatusCode, &str)] = &[
        (&[], StatusCode::UNPROCESSABLE_ENTITY, "Choose a username."),
        (
            &[("username", "bob")],
            StatusCode::UNPROCESSABLE_ENTITY,
            "Choose a password.",
        ),
        (
            &[("username", "bob"), ("password", "short"), ("confirm", "short")],
            StatusCode::UNPROCESSABLE_ENTITY,
            "at least 8 characters",
        ),
        (
            &[
                ("username", "bob"),
                ("password", PASSWORD),
                ("confirm", "something else"),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
            "do not match",
        ),
        (
            &[
                ("username", "<script>"),
                ("password", PASSWORD),
                ("confirm", PASSWORD),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
            "may contain only",
        ),
        (
            &[
                ("username", "ALICE"),
                ("password", PASSWORD),
                ("confirm", PASSWORD),
            ],
            StatusCode::CONFLICT,
            "already taken",
        ),
    ];
    for (fields, status, message) in cases {
        b.get(&app, "/register").await;
        let reply = b.post(&app, "/register", fields).await;
        assert_eq!(reply.status, *status, "{fields:?}: {}", reply.body);
        assert!(reply.body.contains(message), "{fields:?} should say {message:?}");
        assert!(
            reply.body.contains("Create an account"),
            "the form is shown again"
        );
    }
    // The rejected username is shown back escaped, never as markup.
    b.get(&app, "/register").await;
    let reply = b
        .post(&app, "/register", &[("username", "<script>"), ("password", "x")])
        .await;
    assert!(!reply.body.contains("<script>") && reply.body.contains("&lt;script&gt;"));
}

#[actix_web::test]
async fn bad_logins_get_a_message_on_the_page() {
    let app = start!();
    let mut b = Browser::new();
    b.register(&app, "alice", PASSWORD).await;

    let reply = b.login(&app, "alice", "wrong password", false).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert!(reply.body.contains("Wrong username or password."));
    assert!(!reply.set_cookies.contains(&"session".to_owned()), "no login");

    let reply = b.login(&app, "nobody", PASSWORD, false).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert!(
        reply.body.contains("Wrong username or password."),
        "unknown users look the same"
    );

    let reply = b.login(&app, "alice", "", false).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("Enter your username and your password."));

    // A body that is not a form at all is a 400, not a 500.
    let reply = b
        .send(
            &app,
            TestRequest::post()
                .uri("/login")
                .insert_header((header::CONTENT_TYPE, "application/json"))
                .set_payload("{}"),
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(
        reply.body.contains("The form could not be read"),
        "{}",
        reply.body
    );

    let reply = b.get(&app, "/no/such/page").await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert!(reply.body.contains("Page not found"));

    // The right password works, and usernames are case-insensitive.
    let reply = b.login(&app, "Alice", PASSWORD, false).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.location.as_deref(), Some("/profile"));
}

#[actix_web::test]
async fn every_form_refuses_a_missing_or_wrong_csrf_token() {
    let app = start!();
    let mut b = Browser::new();
    b.register(&app, "alice", PASSWORD).await;
    b.login(&app, "alice", PASSWORD, false).await;
    assert_eq!(b.get(&app, "/profile").await.status, StatusCode::OK);
    let good = b.csrf.clone();

    let routes = [
        "/register",
        "/login",
        "/logout",
        "/profile/token",
        "/profile/token/revoke",
        "/reauth",
        "/settings/password",
        "/account/sessions/revoke",
        "/account/sessions/revoke-others",
    ];
    for route in routes {
        for token in ["", "forged", &good[..good.len() - 1]] {
            let reply = b
                .send(
                    &app,
                    TestRequest::post().uri(route).set_form([
                        ("csrf_token", token),
                        ("username", "mallory"),
                        ("password", PASSWORD),
                        ("confirm", PASSWORD),
                    ]),
                )
                .await;
            assert_eq!(
                reply.status,
                StatusCode::FORBIDDEN,
                "{route} with token {token:?}"
            );
            assert!(reply.body.contains("This form has expired"));
        }
    }
    // The right token, but from a browser without the CSRF cookie (another site's form).
    let mut other = Browser::new();
    other.csrf = good.clone();
    let reply = other
        .post(
            &app,
            "/register",
            &[
                ("username", "mallory"),
                ("password", PASSWORD),
                ("confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);

    // Nothing happened: still logged in, and mallory does not exist.
    assert_eq!(b.get(&app, "/profile").await.status, StatusCode::OK);
    let reply = Browser::new().login(&app, "mallory", PASSWORD, false).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn next_brings_the_user_back_but_only_within_the_site() {
    let app = start!();
    let mut b = Browser::new();
    b.register(&app, "alice", PASSWORD).await;

    let reply = b.get(&app, "/profile").await;
    assert_eq!(reply.status, StatusCode::FOUND);
    let to_login = reply.location.expect("redirected to the login page");
    assert!(to_login.starts_with("/login?next="), "{to_login}");
    let page = b.get(&app, &to_login).await;
    assert!(
        page.body.contains("Please log in to access this page."),
        "flashed"
    );
    // minijinja escapes `/` as `&#x2f;`; the browser reads it back as `/`.
    assert!(
        page.body.contains("name=\"next\" value=\"&#x2f;profile\""),
        "{}",
        page.body
    );
    let reply = b
        .login_next(&app, "alice", PASSWORD, false, Some("/profile"))
        .await;
    assert_eq!(reply.location.as_deref(), Some("/profile"));

    for evil in [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
    ] {
        let mut b = Browser::new();
        let reply = b.login_next(&app, "alice", PASSWORD, false, Some(evil)).await;
        assert_eq!(
            reply.location.as_deref(),
            Some("/profile"),
            "{evil} is not followed"
        );
    }
}

#[actix_web::test]
async fn a_repeated_next_still_gets_the_login_page() {
    let app = start!();
    let mut b = Browser::new();
    let page = b.get(&app, "/login?next=%2Fprofile&next=%2Fsettings").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("name=\"next\" value=\"&#x2f;profile\""),
        "the first `next` wins: {}",
        page.body
    );
}

#[actix_web::test]
async fn a_refused_post_comes_back_to_its_page_not_to_a_404() {
    let app = start!();
    let mut b = Browser::new();
    b.register(&app, "alice", PASSWORD).await;
    // Logged out, the token form's POST is sent to log in with `next` = its path.
    b.get(&app, "/login").await;
    let reply = b.post(&app, "/profile/token", &[]).await;
    let to_login = reply.location.expect("redirected to log in");
    assert_eq!(to_login, "/login?next=%2Fprofile%2Ftoken");
    let reply = b
        .login_next(&app, "alice", PASSWORD, true, Some("/profile/token"))
        .await;
    let landed = b.get(&app, reply.location.as_deref().unwrap()).await;
    assert_eq!(landed.status, StatusCode::SEE_OTHER);
    assert_eq!(landed.location.as_deref(), Some("/profile"));

    // Remembered but not fresh, the password form's POST goes through re-authentication.
    b.jar.remove_cookie("session");
    b.get(&app, "/profile").await;
    let reply = b
        .post(&app, "/settings/password", &[("password", "x"), ("confirm", "x")])
        .await;
    assert_eq!(
        reply.location.as_deref(),
        Some("/reauth?next=%2Fsettings%2Fpassword")
    );
    b.get(&app, "/reauth?next=%2Fsettings%2Fpassword").await;
    let reply = b
        .post(
            &app,
            "/reauth",
            &[("password", PASSWORD), ("next", "/settings/password")],
        )
        .await;
    let landed = b.get(&app, reply.location.as_deref().unwrap()).await;
    assert_eq!(landed.status, StatusCode::SEE_OTHER);
    assert_eq!(landed.location.as_deref(), Some("/settings"));
}
