//! One GET through an in-process app, read into plain values, for the modules that only need
//! a status, a `Location`, a content type and a text body.

use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::test;

/// What an answer held.
pub(crate) struct Fetched {
    pub(crate) status: StatusCode,
    pub(crate) location: Option<String>,
    pub(crate) content_type: String,
    pub(crate) body: String,
}

/// `GET uri`, with `cookie` if given.
pub(crate) async fn fetch_get<S, B>(app: &S, uri: &str, cookie: Option<&Cookie<'static>>) -> Fetched
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let mut req = test::TestRequest::get().uri(uri);
    if let Some(c) = cookie {
        req = req.cookie(c.clone());
    }
    let res = test::call_service(app, req.to_request()).await;
    let header = |name: &str| {
        res.headers()
            .get(name)
            .map(|v| v.to_str().expect("an ASCII header").to_owned())
    };
    let (status, location, content_type) = (res.status(), header("location"), header("content-type"));
    let body = String::from_utf8(test::read_body(res).await.to_vec()).expect("a UTF-8 body");
    Fetched {
        status,
        location,
        content_type: content_type.unwrap_or_default(),
        body,
    }
}
