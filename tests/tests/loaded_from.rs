//! How the request's user was found (`CurrentUser::loaded_from`, `MaybeUser::loaded_from`):
//! the session, the remember cookie, the request loader, or a login in this request; Flask's
//! `g.login_via_request` and more.

// Test helpers may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use actix_web::{App, HttpRequest, HttpResponse, test, web};
use login_runtime::{
    CurrentUser, LoadedFrom, LoginManager, LoginSession, MaybeUser, UserMixin, request_loader, user_loader,
};

#[derive(Clone, Debug, UserMixin)]
struct Member {
    id: String,
}

#[user_loader]
async fn load_member(id: String) -> Option<Member> {
    Some(Member { id })
}

#[request_loader]
async fn api_key(req: HttpRequest) -> Option<Member> {
    let key = req.headers().get("x-api-key")?.to_str().ok()?;
    Some(Member { id: key.to_owned() })
}

async fn login(session: LoginSession<Member>) -> String {
    session
        .login_user(&Member { id: "ann".to_owned() })
        .remember(true)
        .await
        .unwrap();
    let user = session.current_user().await.unwrap();
    format!("{:?}", user.map(|u| u.id.clone()))
}

async fn whence(user: CurrentUser<Member>) -> String {
    format!("{:?}", user.loaded_from())
}

async fn maybe(user: MaybeUser<Member>) -> String {
    format!("{:?}", user.loaded_from())
}

async fn body<B: actix_web::body::MessageBody>(res: actix_web::dev::ServiceResponse<B>) -> String {
    String::from_utf8(test::read_body(res).await.to_vec()).unwrap()
}

#[actix_web::test]
async fn each_source_is_told_apart() {
    let manager = LoginManager::<Member>::builder(*b"loaded-from-test-key-of-32-bytes")
        .request_loader(api_key)
        .build()
        .unwrap();
    let app = test::init_service(
        App::new()
            .wrap(manager)
            .route("/login", web::post().to(login))
            .route("/whence", web::get().to(whence))
            .route("/maybe", web::get().to(maybe))
            .route("/noop", web::get().to(HttpResponse::Ok)),
    )
    .await;
    let res = test::call_service(&app, test::TestRequest::post().uri("/login").to_request()).await;
    let session = res
        .response()
        .cookies()
        .find(|c| c.name() == "session")
        .unwrap()
        .into_owned();
    let remember = res
        .response()
        .cookies()
        .find(|c| c.name() == "remember_token")
        .unwrap()
        .into_owned();

    let req = test::TestRequest::get()
        .uri("/whence")
        .cookie(session.clone())
        .to_request();
    assert_eq!(
        body(test::call_service(&app, req).await).await,
        format!("{:?}", LoadedFrom::Session)
    );
    let req = test::TestRequest::get()
        .uri("/whence")
        .cookie(remember)
        .to_request();
    assert_eq!(
        body(test::call_service(&app, req).await).await,
        format!("{:?}", LoadedFrom::RememberCookie)
    );
    let req = test::TestRequest::get()
        .uri("/whence")
        .insert_header(("x-api-key", "bot"))
        .to_request();
    assert_eq!(
        body(test::call_service(&app, req).await).await,
        format!("{:?}", LoadedFrom::Request)
    );
    let req = test::TestRequest::get().uri("/maybe").to_request();
    assert_eq!(body(test::call_service(&app, req).await).await, "None");
    let req = test::TestRequest::get()
        .uri("/maybe")
        .cookie(session)
        .to_request();
    assert_eq!(
        body(test::call_service(&app, req).await).await,
        format!("{:?}", Some(LoadedFrom::Session))
    );
}
