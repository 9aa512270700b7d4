//! The account: the API token, re-authentication of a remembered login, and changing the
//! password.

use super::*;

#[actix_web::test]
async fn the_api_accepts_the_bearer_token_from_the_profile_page() {
    let app = start!();
    let mut b = Browser::new();
    b.register(&app, "alice", PASSWORD).await;
    b.login(&app, "alice", PASSWORD, false).await;
    b.get(&app, "/profile").await;
    let page = b.post(&app, "/profile/token", &[]).await;
    assert_eq!(page.status, StatusCode::OK);
    let token = page
        .body
        .split("id=\"api-token\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .expect("the new token is shown")
        .to_owned();
    assert!(token.len() >= 40, "{token}");
    // The page that shows the token says to copy it, and neither it nor a later page is cached.
    assert!(page.body.contains("Copy it now: it is shown only once."));
    assert_eq!(page.cache_control.as_deref(), Some("no-store"));
    let later = b.get(&app, "/profile").await;
    assert!(!later.body.contains("Copy it now"), "no stale message");
    assert!(!later.body.contains(&token), "the token is shown once");

    let api = |auth: String| {
        TestRequest::get()
            .uri("/api/me")
            .insert_header((header::AUTHORIZATION, auth))
    };
    let mut script = Browser::new();
    let reply = script.send(&app, api(format!("Bearer {token}"))).await;
    assert_eq!(reply.status, StatusCode::OK);
    let me: serde_json::Value = serde_json::from_str(&reply.body).expect("JSON");
    assert_eq!(me["username"], "alice");
    // No cookie at all, not even the CSRF seed: a script never sees a form.
    assert!(reply.set_cookies.is_empty(), "{:?}", reply.set_cookies);
    let health = script.send(&app, TestRequest::get().uri("/healthz")).await;
    assert!(health.set_cookies.is_empty(), "{:?}", health.set_cookies);

    let reply = script.send(&app, api(format!("Bearer {token}x"))).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    let err: serde_json::Value = serde_json::from_str(&reply.body).expect("a JSON error, not a redirect");
    assert_eq!(err["error"], "unauthorized");
    let reply = script.send(&app, TestRequest::get().uri("/api/me")).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);

    // Deleting the token locks the script out.
    b.get(&app, "/profile").await;
    assert_eq!(
        b.post(&app, "/profile/token/revoke", &[]).await.status,
        StatusCode::SEE_OTHER
    );
    let reply = script.send(&app, api(format!("Bearer {token}"))).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn a_remembered_login_must_reauthenticate_for_settings() {
    let app = start!();
    let mut b = Browser::new();
    b.register(&app, "alice", PASSWORD).await;
    b.login(&app, "alice", PASSWORD, true).await;
    assert_eq!(b.get(&app, "/settings").await.status, StatusCode::OK, "fresh");
    assert!(b.jar.cookie("remember_token").is_some());

    // The browser closes: its session cookies go, the remember cookie stays.
    b.jar.remove_cookie("session");
    let profile = b.get(&app, "/profile").await;
    assert_eq!(profile.status, StatusCode::OK);
    assert!(
        profile.body.contains("signed in automatically"),
        "restored from the cookie"
    );
    let reply = b.get(&app, "/settings").await;
    assert_eq!(reply.status, StatusCode::FOUND);
    let to_reauth = reply.location.expect("sent to re-authenticate");
    assert!(to_reauth.starts_with("/reauth?next="), "{to_reauth}");
    let page = b.get(&app, &to_reauth).await;
    assert!(page.body.contains("Please confirm your password to continue."));

    let reply = b
        .post(
            &app,
            "/reauth",
            &[("password", "wrong password"), ("next", "/settings")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert!(reply.body.contains("Wrong password."));
    let reply = b
        .post(&app, "/reauth", &[("password", PASSWORD), ("next", "/settings")])
        .await;
    assert_eq!(reply.location.as_deref(), Some("/settings"));
    assert_eq!(b.get(&app, "/settings").await.status, StatusCode::OK);
}

#[actix_web::test]
async fn changing_the_password_logs_out_every_other_browser() {
    let app = start!();
    let mut here = Browser::new();
    here.register(&app, "alice", PASSWORD).await;
    here.login(&app, "alice", PASSWORD, true).await;
    let mut elsewhere = Browser::new();
    elsewhere.login(&app, "alice", PASSWORD, true).await;
    assert_eq!(elsewhere.get(&app, "/profile").await.status, StatusCode::OK);

    here.get(&app, "/settings").await;
    let reply = here
        .post(
            &app,
            "/settings/password",
            &[("password", "tiny"), ("confirm", "tiny")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let new_password = "a brand new passphrase";
    let reply = here
        .post(
            &app,
            "/settings/password",
            &[("password", new_password), ("confirm", new_password)],
        )
        .await;
    assert_eq!(reply.location.as_deref(), Some("/settings"));
    let page = here.get(&app, "/settings").await;
    assert_eq!(page.status, StatusCode::OK, "this browser stays logged in");
    assert!(page.body.contains("Password changed."));

    // The other browser's session and remember cookie both stopped working.
    let reply = elsewhere.get(&app, "/profile").await;
    assert_eq!(reply.status, StatusCode::FOUND);
    elsewhere.jar.remove_cookie("session");
    assert_eq!(elsewhere.get(&app, "/profile").await.status, StatusCode::FOUND);

    // Logging out ends this one too, remember cookie included.
    here.get(&app, "/profile").await;
    let reply = here.post(&app, "/logout", &[]).await;
    assert_eq!(reply.location.as_deref(), Some("/"));
    assert!(here.jar.cookie("remember_token").is_none() && here.jar.cookie("session").is_none());
    assert_eq!(here.get(&app, "/profile").await.status, StatusCode::FOUND);
    assert_eq!(
        Browser::new().login(&app, "alice", PASSWORD, false).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        Browser::new()
            .login(&app, "alice", new_password, false)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
}
