//! `LoginManager::test_login`, the counterpart of Flask-Login's `FlaskLoginClient` (§2.12 items
//! 110-113): cookies that log a user into a test request, fresh or not, under every session
//! protection mode (which Flask-Login's helper gets wrong, #586), and a remember cookie that
//! restores its user.
// Test names read `<flask-login test>__flask_<section>_item_<n>` so the parity table can cite them.
#![allow(non_snake_case)]
// Test helpers may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use actix_web::test::TestRequest;
use actix_web::{App, test};
use login_runtime::SessionProtection;
use login_tests::{Client, Resp, Store, builder, client};

#[actix_rt::test]
async fn test_no_args_to_test_client__flask_2_12_item_110() {
    let store = Store::new();
    let mut c = client!(builder().build().unwrap(), store);
    assert_eq!(c.get("/username").await.body, "Anonymous");
}

#[actix_rt::test]
async fn test_user_arg_to_test_client__flask_2_12_items_111_112_113_586() {
    // Flask-Login's FlaskLoginClient writes no `_id`: under `basic` the login is never fresh,
    // under `strong` the user is anonymous (#586). Ours binds on first use, so the `fresh` flag
    // holds in every mode.
    for mode in [
        SessionProtection::Off,
        SessionProtection::Basic,
        SessionProtection::Strong,
    ] {
        for fresh in [true, false] {
            let store = Store::new();
            let manager = builder().session_protection(mode).build().unwrap();
            let app = test::init_service(
                App::new()
                    .wrap(manager.clone())
                    .app_data(store.clone())
                    .configure(login_tests::routes),
            )
            .await;
            let notch = store.get("notch");
            let req = manager
                .test_login(&notch)
                .fresh(fresh)
                .apply(TestRequest::get().uri("/state"));
            let r = Resp::read(test::call_service(&app, req.to_request()).await).await;
            assert_eq!(
                r.body,
                format!("user=notch fresh={fresh} remembered=false restored=false"),
                "{mode:?}"
            );
            // And the bound cookie keeps working for the same client.
            let mut c = Client::new(app);
            c.set_cookie(
                "session",
                manager.test_login(&notch).fresh(fresh).session_cookie().value(),
            );
            c.get("/state").await;
            let r = c.get("/fresh").await;
            assert_eq!(r.status, if fresh { 200 } else { 401 }, "{mode:?} fresh={fresh}");
        }
    }
}

#[actix_rt::test]
async fn a_test_login_remember_cookie_restores_its_user_under_strong_protection() {
    let store = Store::new();
    let manager = builder()
        .session_protection(SessionProtection::Strong)
        .build()
        .unwrap();
    let mut c = client!(manager.clone(), store);
    let cookie = manager
        .test_login(&store.get("steve"))
        .remember_cookie(std::time::Duration::from_secs(60));
    c.set_cookie(cookie.name(), cookie.value());
    assert_eq!(
        c.get("/state").await.body,
        "user=steve fresh=false remembered=true restored=true"
    );
    assert_eq!(c.get("/username").await.body, "steve");
}
