//! The "Active sessions" page over the app's SQLite session store, and logins that survive a
//! restart on a database file.

use super::*;

#[actix_web::test]
async fn the_sessions_page_lists_each_device_and_logs_out_the_one_chosen() {
    let app = start!();
    let mut laptop = Browser::with_agent(LAPTOP);
    laptop.register(&app, "alice", PASSWORD).await;
    laptop.login(&app, "alice", PASSWORD, true).await;
    let mut phone = Browser::with_agent(PHONE);
    phone.login(&app, "alice", PASSWORD, false).await;

    // Anonymous browsers are sent to log in first.
    let reply = Browser::new().get(&app, "/account/sessions").await;
    assert_eq!(
        reply.location.as_deref(),
        Some("/login?next=%2Faccount%2Fsessions")
    );
    // The profile links to the page.
    assert!(
        laptop
            .get(&app, "/profile")
            .await
            .body
            .contains("href=\"/account/sessions\"")
    );

    let page = laptop.get(&app, "/account/sessions").await;
    assert!(page.body.contains("Firefox on Linux") && page.body.contains("Safari on iPhone"));
    assert!(page.body.contains("this device") && page.body.contains("Log out all other devices"));
    let seen_by_laptop = devices(&page.body);
    assert_eq!(seen_by_laptop.len(), 2, "{seen_by_laptop:?}");
    let here = seen_by_laptop
        .iter()
        .find(|d| d.current)
        .expect("one row is this device");
    assert_eq!((here.user_agent.as_str(), here.remembered), (LAPTOP, true));
    let there = seen_by_laptop
        .iter()
        .find(|d| !d.current)
        .expect("the other device");
    assert_eq!((there.user_agent.as_str(), there.remembered), (PHONE, false));
    assert!(
        there.handle.len() == 32 && there.handle != here.handle,
        "{seen_by_laptop:?}"
    );
    // The phone sees the same two logins, with itself as the current one.
    let seen_by_phone = sessions_of(&mut phone, &app).await;
    assert_eq!(other_handle(&seen_by_phone), here.handle);

    // The laptop logs the phone out.
    laptop.get(&app, "/account/sessions").await;
    let reply = laptop
        .post(&app, "/account/sessions/revoke", &[("handle", &there.handle)])
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.location.as_deref(), Some("/account/sessions"));
    let page = laptop.get(&app, "/account/sessions").await;
    assert!(page.body.contains("Logged out Safari on iPhone"), "{}", page.body);
    assert!(page.body.contains("You are not logged in on any other device."));
    assert_eq!(devices(&page.body).len(), 1);

    // The phone's next page is refused, though it still sends its cookie.
    assert!(phone.jar.cookie("session").is_some());
    assert_logged_out(&mut phone, &app, "the phone").await;
    // It can log in again: a new login, listed again.
    phone.login(&app, "alice", PASSWORD, false).await;
    assert_eq!(phone.get(&app, "/profile").await.status, StatusCode::OK);
    assert_eq!(sessions_of(&mut laptop, &app).await.len(), 2);

    // Logging out this device logs this browser out, remember cookie included: even a copy
    // of its cookies taken before is refused.
    let copied = laptop.jar.clone();
    let reply = laptop
        .post(&app, "/account/sessions/revoke", &[("handle", &here.handle)])
        .await;
    assert_eq!(reply.location.as_deref(), Some("/"));
    assert!(laptop.jar.cookie("session").is_none() && laptop.jar.cookie("remember_token").is_none());
    let home = laptop.get(&app, "/").await;
    assert!(home.body.contains("You have been logged out on this device."));
    assert_eq!(laptop.get(&app, "/profile").await.status, StatusCode::FOUND);
    let mut thief = Browser::with_agent(LAPTOP);
    thief.jar = copied;
    assert_logged_out(&mut thief, &app, "a copy of the laptop's cookies").await;
    assert_eq!(
        phone.get(&app, "/profile").await.status,
        StatusCode::OK,
        "the phone stays"
    );
}

#[actix_web::test]
async fn logging_out_the_other_devices_keeps_this_one() {
    let app = start!();
    let mut here = Browser::with_agent(LAPTOP);
    here.register(&app, "alice", PASSWORD).await;
    here.login(&app, "alice", PASSWORD, false).await;
    let mut remembered = Browser::with_agent(PHONE);
    remembered.login(&app, "alice", PASSWORD, true).await;
    let mut third = Browser::new();
    third.login(&app, "alice", PASSWORD, false).await;
    let mut bob = Browser::new();
    bob.register(&app, "bob", PASSWORD).await;
    bob.login(&app, "bob", PASSWORD, false).await;
    assert_eq!(sessions_of(&mut here, &app).await.len(), 3);
    assert_eq!(
        sessions_of(&mut bob, &app).await.len(),
        1,
        "bob sees only his own"
    );

    // A forged form does nothing.
    let good = here.csrf.clone();
    here.csrf = "forged".to_owned();
    let reply = here.post(&app, "/account/sessions/revoke-others", &[]).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    here.csrf = good;
    assert_eq!(sessions_of(&mut here, &app).await.len(), 3);

    let reply = here.post(&app, "/account/sessions/revoke-others", &[]).await;
    assert_eq!(reply.location.as_deref(), Some("/account/sessions"));
    let page = here.get(&app, "/account/sessions").await;
    assert_eq!(page.status, StatusCode::OK, "this browser stays logged in");
    assert!(page.body.contains("Logged out 2 other devices."), "{}", page.body);
    let left = devices(&page.body);
    assert_eq!(left.len(), 1);
    assert!(left[0].current);

    assert_logged_out(&mut third, &app, "the third browser").await;
    assert_logged_out(&mut remembered, &app, "the remembered browser").await;
    assert_eq!(
        bob.get(&app, "/profile").await.status,
        StatusCode::OK,
        "other users keep theirs"
    );

    // With nobody else logged in, the page says so and the button is gone.
    assert!(!page.body.contains("Log out all other devices"));
    let reply = here.post(&app, "/account/sessions/revoke-others", &[]).await;
    assert_eq!(reply.location.as_deref(), Some("/account/sessions"));
    let page = here.get(&app, "/account/sessions").await;
    assert!(page.body.contains("You were not logged in on any other device."));
}

#[actix_web::test]
async fn a_handle_that_is_not_one_of_the_users_logins_revokes_nothing() {
    let app = start!();
    let mut alice = Browser::new();
    alice.register(&app, "alice", PASSWORD).await;
    alice.login(&app, "alice", PASSWORD, false).await;
    let mut bob = Browser::new();
    bob.register(&app, "bob", PASSWORD).await;
    bob.login(&app, "bob", PASSWORD, true).await;
    let bobs = sessions_of(&mut bob, &app).await;
    let bobs_handle = bobs[0].handle.clone();

    alice.get(&app, "/account/sessions").await;
    for handle in [
        bobs_handle.clone(),
        bobs_handle.to_uppercase(),
        "00000000000000000000000000000000".to_owned(),
        "not a handle".to_owned(),
        String::new(),
    ] {
        let reply = alice
            .post(&app, "/account/sessions/revoke", &[("handle", &handle)])
            .await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{handle:?}");
        assert!(
            reply
                .body
                .contains("That device is not logged in to your account"),
            "{handle:?}: {}",
            reply.body
        );
        assert_eq!(devices(&reply.body).len(), 1, "alice's page, with her login");
    }
    assert_eq!(
        sessions_of(&mut bob, &app).await,
        bobs,
        "nothing of bob's was revoked"
    );
    assert_eq!(sessions_of(&mut alice, &app).await.len(), 1);

    // Logged out, the form is sent to log in first; landing on its path goes to the page.
    let mut anonymous = Browser::new();
    anonymous.get(&app, "/login").await;
    let reply = anonymous
        .post(&app, "/account/sessions/revoke", &[("handle", &bobs_handle)])
        .await;
    assert_eq!(
        reply.location.as_deref(),
        Some("/login?next=%2Faccount%2Fsessions%2Frevoke")
    );
    assert_eq!(sessions_of(&mut bob, &app).await, bobs);
    for path in ["/account/sessions/revoke", "/account/sessions/revoke-others"] {
        let reply = alice.get(&app, path).await;
        assert_eq!(reply.location.as_deref(), Some("/account/sessions"), "{path}");
    }
}

#[actix_web::test]
async fn logins_live_in_the_apps_sqlite_database_and_survive_a_restart() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let url = format!("sqlite://{}", dir.path().join("app.db").display());
    let on_file = Config {
        database_url: url.clone(),
        ..config()
    };
    let count = || async {
        let pool = sqlx::SqlitePool::connect(&url).await.expect("the database opens");
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM login_sessions")
            .fetch_one(&pool)
            .await
            .expect("the table exists");
        pool.close().await;
        n
    };

    let mut b = Browser::new();
    {
        let app = start!(on_file.clone());
        b.register(&app, "alice", PASSWORD).await;
        assert_eq!(count().await, 0);
        b.login(&app, "alice", PASSWORD, false).await;
        assert_eq!(b.get(&app, "/profile").await.status, StatusCode::OK);
        assert_eq!(count().await, 1, "one row per login");
    }
    // A new process on the same database and key: the login is still there.
    let app = start!(on_file);
    assert_eq!(b.get(&app, "/profile").await.status, StatusCode::OK);
    assert_eq!(sessions_of(&mut b, &app).await.len(), 1);
    b.post(&app, "/logout", &[]).await;
    assert_eq!(count().await, 0, "logging out deletes the row");
}
