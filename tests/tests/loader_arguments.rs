//! Extractor parameters of loaders that the request does not satisfy. A `#[request_loader]`
//! whose header or query is missing means "no credentials in this request" (anonymous, not a
//! 500 on every public page); a `#[user_loader]` whose extractor refuses the request answers
//! with that extractor's client error; a missing `web::Data<T>` stays a server error; and a
//! loader whose `LoginSession` argument asks for the current user fails instead of hanging.
// Test helpers may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::{App, HttpRequest, test, web};
use login_runtime::{
    LoaderError, LoginManager, LoginSession, MaybeUser, UserMixin, request_loader, user_loader,
};
use serde::Deserialize;

const KEY: &str = "the loader arguments key, long enough to sign";

#[derive(Deserialize)]
struct ApiKey {
    api_key: String,
}

// ---- A request loader reading a required query parameter ------------------------------------

#[derive(Clone, UserMixin)]
struct Client {
    id: String,
}

#[user_loader]
async fn load_client(id: String) -> Option<Client> {
    Some(Client { id })
}

#[request_loader]
async fn client_from_api_key(query: web::Query<ApiKey>) -> Option<Client> {
    (query.api_key == "k-123").then(|| Client { id: "robot".into() })
}

async fn who_is_client(user: MaybeUser<Client>) -> String {
    user.get()
        .map_or_else(|| "anonymous".to_owned(), |u| u.id.clone())
}

#[actix_rt::test]
async fn a_request_loader_whose_query_is_missing_leaves_the_request_anonymous() {
    let manager = LoginManager::<Client>::builder(KEY)
        .request_loader(client_from_api_key)
        .build()
        .unwrap();
    let app = test::init_service(App::new().wrap(manager).route("/", web::get().to(who_is_client))).await;
    let res = test::call_service(&app, test::TestRequest::get().uri("/").to_request()).await;
    assert_eq!(res.status(), StatusCode::OK, "a public page stays public");
    assert_eq!(test::read_body(res).await, "anonymous");
    let req = test::TestRequest::get().uri("/?api_key=k-123").to_request();
    let res = test::call_service(&app, req).await;
    assert_eq!(
        test::read_body(res).await,
        "robot",
        "and the loader still works when it applies"
    );
}

// ---- A request loader whose app data is missing (a configuration mistake) ----------------------

#[derive(Clone, UserMixin)]
struct Service {
    id: String,
}

#[user_loader]
async fn load_service(id: String) -> Option<Service> {
    Some(Service { id })
}

struct Registry;

#[request_loader]
async fn service_from_registry(_registry: web::Data<Registry>) -> Option<Service> {
    None
}

async fn who_is_service(user: MaybeUser<Service>) -> String {
    user.get()
        .map_or_else(|| "anonymous".to_owned(), |u| u.id.clone())
}

#[actix_rt::test]
async fn a_request_loader_whose_app_data_is_missing_is_a_server_error() {
    let manager = LoginManager::<Service>::builder(KEY)
        .request_loader(service_from_registry)
        .build()
        .unwrap();
    let app = test::init_service(App::new().wrap(manager).route("/", web::get().to(who_is_service))).await;
    let res = test::call_service(&app, test::TestRequest::get().uri("/").to_request()).await;
    assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
}

// ---- A user loader with a query parameter the request lacks ------------------------------------

#[derive(Clone, UserMixin)]
struct Tenant {
    id: String,
}

#[user_loader]
async fn load_tenant(id: String, query: web::Query<ApiKey>) -> Option<Tenant> {
    (!query.api_key.is_empty()).then_some(Tenant { id })
}

async fn who_is_tenant(user: MaybeUser<Tenant>) -> String {
    user.get()
        .map_or_else(|| "anonymous".to_owned(), |u| u.id.clone())
}

#[actix_rt::test]
async fn a_user_loader_whose_extractor_refuses_the_request_answers_with_its_client_error() {
    let manager = LoginManager::<Tenant>::builder(KEY).build().unwrap();
    let app = test::init_service(
        App::new()
            .wrap(manager.clone())
            .route("/", web::get().to(who_is_tenant)),
    )
    .await;
    let tenant = Tenant { id: "acme".into() };
    let req = manager
        .test_login(&tenant)
        .apply(test::TestRequest::get().uri("/"));
    let res = test::call_service(&app, req.to_request()).await;
    assert_eq!(
        res.status(),
        StatusCode::BAD_REQUEST,
        "the client's mistake, not a 500"
    );
    let req = manager
        .test_login(&tenant)
        .apply(test::TestRequest::get().uri("/?api_key=x"));
    let res = test::call_service(&app, req.to_request()).await;
    assert_eq!(test::read_body(res).await, "acme");
}

// ---- A request loader that asks for the user it is loading -------------------------------------

#[derive(Clone, Debug, UserMixin)]
struct Caller {
    id: String,
}

#[user_loader]
async fn load_caller(id: String) -> Option<Caller> {
    (id == "ada").then_some(Caller { id })
}

/// A request loader that, by mistake, asks for the current user while the user is being
/// loaded (through `LoginSession`, which runs the load chain it is part of).
#[request_loader]
async fn asks_for_itself(
    req: HttpRequest,
    session: LoginSession<Caller>,
) -> Result<Option<Caller>, LoaderError> {
    if req.headers().get("x-api-key").is_none() {
        return Ok(None);
    }
    Ok(session.current_user().await?.map(|u| (*u).clone()))
}

async fn who_is_caller(user: MaybeUser<Caller>) -> String {
    user.get()
        .map_or_else(|| "anonymous".to_owned(), |u| u.id.clone())
}

/// A loader that asks for the current user (through a `LoginSession` argument) would wait on
/// itself forever; the request fails at once with a 500 and a log line naming the mistake.
#[actix_rt::test]
async fn a_loader_that_asks_for_the_current_user_fails_instead_of_hanging() {
    let manager = LoginManager::<Caller>::builder(KEY)
        .request_loader(asks_for_itself)
        .build()
        .unwrap();
    let app = test::init_service(
        App::new()
            .wrap(manager)
            .route("/whoami", web::get().to(who_is_caller)),
    )
    .await;
    let req = test::TestRequest::get()
        .uri("/whoami")
        .insert_header(("x-api-key", "k"))
        .to_request();
    let res = actix_rt::time::timeout(Duration::from_secs(5), test::call_service(&app, req))
        .await
        .expect("the request must not hang");
    assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
    // Without the mistake's trigger (no API key), the same app answers normally.
    let req = test::TestRequest::get().uri("/whoami").to_request();
    let body = test::call_and_read_body(&app, req).await;
    assert_eq!(body, "anonymous");
}
