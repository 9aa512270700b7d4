//! What a [`TestClient`](super::TestClient) request answered, read into plain values.

use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::http::header::HeaderMap;
use actix_web::web::Bytes;

/// One answer of a [`TestClient`](super::TestClient) request, read whole: the status, the
/// headers, the body, the cookies it set, and the redirects followed to reach it.
///
/// ```
/// use actix_web::http::StatusCode;
/// use actix_web::{App, HttpResponse, test, web};
/// use login_runtime::test::TestClient;
///
/// # actix_web::rt::System::new().block_on(async {
/// let app = test::init_service(App::new().route(
///     "/",
///     web::get().to(|| async { HttpResponse::Ok().insert_header(("x-hello", "yes")).body("hi") }),
/// ))
/// .await;
/// let res = TestClient::new().get(&app, "/").await;
/// assert_eq!(res.status(), StatusCode::OK);
/// assert_eq!(res.header("x-hello"), Some("yes"));
/// assert_eq!(res.text(), "hi");
/// assert!(res.set_cookies().is_empty());
/// # });
/// ```
#[derive(Debug)]
pub struct TestResponse {
    pub(super) status: StatusCode,
    pub(super) headers: HeaderMap,
    pub(super) body: Bytes,
    pub(super) set_cookies: Vec<Cookie<'static>>,
    pub(super) redirects: Vec<String>,
}

impl TestResponse {
    /// The status code.
    ///
    /// ```
    /// # use actix_web::{App, test, web, http::StatusCode};
    /// # use login_runtime::test::TestClient;
    /// # actix_web::rt::System::new().block_on(async {
    /// # let app = test::init_service(App::new()).await;
    /// assert_eq!(TestClient::new().get(&app, "/nowhere").await.status(), StatusCode::NOT_FOUND);
    /// # });
    /// ```
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// Every header of the answer.
    ///
    /// ```
    /// # use actix_web::{App, HttpResponse, test, web};
    /// # use login_runtime::test::TestClient;
    /// # actix_web::rt::System::new().block_on(async {
    /// # let app = test::init_service(App::new().route("/", web::get().to(|| async {
    /// #     HttpResponse::Ok().insert_header(("vary", "a")).insert_header(("x-b", "b")).finish()
    /// # }))).await;
    /// let res = TestClient::new().get(&app, "/").await;
    /// assert!(res.headers().contains_key("vary"));
    /// # });
    /// ```
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The first value of header `name`, if it is there and readable as text.
    ///
    /// ```
    /// # use actix_web::{App, HttpResponse, test, web};
    /// # use login_runtime::test::TestClient;
    /// # actix_web::rt::System::new().block_on(async {
    /// # let app = test::init_service(App::new().route("/", web::get().to(|| async {
    /// #     HttpResponse::Ok().content_type("text/plain").finish()
    /// # }))).await;
    /// assert_eq!(TestClient::new().get(&app, "/").await.header("content-type"), Some("text/plain"));
    /// # });
    /// ```
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The `Location` header: where a redirect that was not followed points.
    ///
    /// ```
    /// # use actix_web::{App, HttpResponse, test, web};
    /// # use login_runtime::test::TestClient;
    /// # actix_web::rt::System::new().block_on(async {
    /// # let app = test::init_service(App::new().route("/", web::get().to(|| async {
    /// #     HttpResponse::Found().insert_header(("location", "/login")).finish()
    /// # }))).await;
    /// assert_eq!(TestClient::new().get(&app, "/").await.location(), Some("/login"));
    /// # });
    /// ```
    pub fn location(&self) -> Option<&str> {
        self.header("location")
    }

    /// The body, as bytes.
    ///
    /// ```
    /// # use actix_web::{App, test, web};
    /// # use login_runtime::test::TestClient;
    /// # actix_web::rt::System::new().block_on(async {
    /// # let app = test::init_service(App::new().route("/", web::get().to(|| async { "ok" }))).await;
    /// assert_eq!(TestClient::new().get(&app, "/").await.body(), b"ok");
    /// # });
    /// ```
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The body as text (invalid UTF-8 replaced by `U+FFFD`).
    ///
    /// ```
    /// # use actix_web::{App, test, web};
    /// # use login_runtime::test::TestClient;
    /// # actix_web::rt::System::new().block_on(async {
    /// # let app = test::init_service(App::new().route("/", web::get().to(|| async { "ok" }))).await;
    /// assert_eq!(TestClient::new().get(&app, "/").await.text(), "ok");
    /// # });
    /// ```
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The cookies this answer set or deleted (a deletion has an empty value and
    /// `Max-Age=0`), with all their attributes, in the order sent. With redirects followed,
    /// these are the last answer's; the jar has kept every answer's.
    ///
    /// ```
    /// # use actix_web::{App, HttpResponse, test, web, cookie::Cookie};
    /// # use login_runtime::test::TestClient;
    /// # actix_web::rt::System::new().block_on(async {
    /// # let app = test::init_service(App::new().route("/", web::get().to(|| async {
    /// #     HttpResponse::Ok().cookie(Cookie::build("theme", "dark").path("/").http_only(true).finish()).finish()
    /// # }))).await;
    /// let res = TestClient::new().get(&app, "/").await;
    /// let theme = &res.set_cookies()[0];
    /// assert_eq!((theme.name(), theme.value(), theme.http_only()), ("theme", "dark", Some(true)));
    /// # });
    /// ```
    pub fn set_cookies(&self) -> &[Cookie<'static>] {
        &self.set_cookies
    }

    /// The cookie named `name` this answer set, if it set one.
    ///
    /// ```
    /// # use actix_web::{App, HttpResponse, test, web, cookie::Cookie};
    /// # use login_runtime::test::TestClient;
    /// # actix_web::rt::System::new().block_on(async {
    /// # let app = test::init_service(App::new().route("/", web::get().to(|| async {
    /// #     HttpResponse::Ok().cookie(Cookie::new("theme", "dark")).finish()
    /// # }))).await;
    /// let res = TestClient::new().get(&app, "/").await;
    /// assert_eq!(res.set_cookie("theme").map(|c| c.value()), Some("dark"));
    /// assert!(res.set_cookie("session").is_none());
    /// # });
    /// ```
    pub fn set_cookie(&self, name: &str) -> Option<&Cookie<'static>> {
        self.set_cookies.iter().find(|c| c.name() == name)
    }

    /// The redirects followed to reach this answer (each `Location`, in order); empty unless
    /// [`TestClient::follow_redirects`](super::TestClient::follow_redirects) is on.
    ///
    /// ```
    /// # use actix_web::{App, HttpResponse, test, web};
    /// # use login_runtime::test::TestClient;
    /// # actix_web::rt::System::new().block_on(async {
    /// # let app = test::init_service(App::new()
    /// #     .route("/", web::get().to(|| async { HttpResponse::Found().insert_header(("location", "/home")).finish() }))
    /// #     .route("/home", web::get().to(|| async { "home" }))).await;
    /// let res = TestClient::new().follow_redirects(true).get(&app, "/").await;
    /// assert_eq!(res.redirects(), ["/home"]);
    /// assert_eq!(res.text(), "home");
    /// # });
    /// ```
    pub fn redirects(&self) -> &[String] {
        &self.redirects
    }
}
