//! A request loader's optional query parameter: `Option<web::Query<T>>` keeps the loader's
//! other branches reachable when the parameter is absent, and a parameter that cannot be
//! extracted is named in a debug-level tracing event.

// Test helpers may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use actix_web::{App, HttpRequest, test, web};
use login_runtime::{LoginManager, MaybeUser, UserMixin, request_loader, user_loader};

#[derive(Clone, Debug, UserMixin)]
struct Client {
    id: String,
}

#[user_loader]
async fn load_client(id: String) -> Option<Client> {
    Some(Client { id })
}

#[derive(serde::Deserialize)]
struct ApiKey {
    api_key: String,
}

/// The query parameter is optional: without it the Bearer branch runs.
#[request_loader]
async fn optional_key(req: HttpRequest, key: Option<web::Query<ApiKey>>) -> Option<Client> {
    if let Some(key) = key {
        return Some(Client {
            id: format!("key:{}", key.api_key),
        });
    }
    let bearer = req
        .headers()
        .get("authorization")?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")?;
    Some(Client {
        id: format!("bearer:{bearer}"),
    })
}

/// The query parameter is required: without it the whole loader is skipped.
#[request_loader]
async fn required_key(req: HttpRequest, key: web::Query<ApiKey>) -> Option<Client> {
    let _ = req;
    Some(Client {
        id: format!("key:{}", key.api_key),
    })
}

async fn whoami(user: MaybeUser<Client>) -> String {
    user.get().map_or_else(|| "nobody".to_owned(), |u| u.id.clone())
}

async fn ask<S, B>(app: &S, uri: &str, bearer: Option<&str>) -> String
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let mut req = test::TestRequest::get().uri(uri);
    if let Some(token) = bearer {
        req = req.insert_header(("authorization", format!("Bearer {token}")));
    }
    let res = test::call_service(app, req.to_request()).await;
    String::from_utf8(test::read_body(res).await.to_vec()).unwrap()
}

#[actix_web::test]
async fn an_optional_query_parameter_keeps_the_other_branches_reachable() {
    let manager = LoginManager::<Client>::builder(*b"loader-parameter-trace-key-32-by")
        .request_loader(optional_key)
        .build()
        .unwrap();
    let app = test::init_service(App::new().wrap(manager).route("/", web::get().to(whoami))).await;
    assert_eq!(ask(&app, "/?api_key=k1", None).await, "key:k1");
    assert_eq!(ask(&app, "/", Some("t1")).await, "bearer:t1");
    assert_eq!(ask(&app, "/", None).await, "nobody");
}

#[actix_web::test]
async fn a_parameter_that_cannot_be_extracted_is_named_in_a_debug_event() {
    let (capture, _guard) = crate::tracing_events::Capture::install();
    let manager = LoginManager::<Client>::builder(*b"loader-parameter-trace-key-32-by")
        .request_loader(required_key)
        .build()
        .unwrap();
    let app = test::init_service(App::new().wrap(manager).route("/", web::get().to(whoami))).await;
    assert_eq!(
        ask(&app, "/", Some("t1")).await,
        "nobody",
        "the required parameter skips the loader"
    );
    let events: Vec<_> = capture
        .runtime_events()
        .into_iter()
        .filter(|e| e.message == "a loader parameter could not be extracted")
        .collect();
    assert_eq!(events.len(), 1, "{events:#?}");
    assert_eq!(events[0].level, tracing::Level::DEBUG);
    assert!(
        events[0]
            .fields
            .iter()
            .any(|f| f.starts_with("parameter=") && f.contains("Query<")),
        "{events:#?}"
    );
}
