//! The loader side of the contract: [`UserLoader`] (id to user), [`RequestLoader`] (request to
//! user), and their error, [`LoaderError`].

use std::fmt::{self, Display};
use std::future::Future;
use std::pin::Pin;

use actix_web::HttpRequest;

use crate::error::StoreError;
use crate::user::UserMixin;

/// A boxed, non-`Send` future, as actix-web handlers use.
///
/// ```
/// use login_runtime::LocalBoxFuture;
///
/// fn answer() -> LocalBoxFuture<'static, u32> {
///     Box::pin(async { 42 })
/// }
/// assert_eq!(actix_web::rt::System::new().block_on(answer()), 42);
/// ```
pub type LocalBoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

/// Why a loader could not answer: the database was down, a query failed.
///
/// A loader error is a server error (500), never an anonymous user: treating an outage as
/// "logged out" would log everybody out. Its message is logged, not shown to the client.
///
/// One kind of failure is the client's, not the server's: an extractor parameter of a loader
/// (a `web::Header<T>`, a `web::Query<T>`) that the request does not satisfy. For a
/// `#[request_loader]` that means "this request carries no credentials", so the request simply
/// has no user from it; for a `#[user_loader]` the request is answered with the extractor's own
/// client error (a 400, not a 500). A missing `web::Data<T>` stays a server error: it is a
/// configuration mistake. Such a client error is answered with its status and the extractor's
/// message (which tells the client what its request lacks).
///
/// ```
/// use actix_web::ResponseError;
/// use login_runtime::{LoaderError, UserMixin, user_loader};
/// # #[derive(Clone, UserMixin)] struct User { id: u64 }
/// # fn query_user(id: u64) -> Result<Option<User>, std::io::Error> { Ok(Some(User { id })) }
///
/// // An `Err` returned by a loader becomes a `LoaderError`: a 500, not an anonymous user.
/// #[user_loader]
/// async fn load_user(id: u64) -> Result<Option<User>, std::io::Error> {
///     query_user(id)
/// }
/// assert_eq!(LoaderError::new("connection refused").status_code(), 500);
/// ```
#[derive(Debug)]
pub struct LoaderError {
    message: String,
    /// The client-error status of a failed extractor parameter, if that is what failed.
    client_error: Option<actix_web::http::StatusCode>,
    /// The session store failure, when the login state could not be read from the store.
    store: Option<StoreError>,
}

impl LoaderError {
    /// A loader error with a message for the server log.
    ///
    /// ```
    /// let err = login_runtime::LoaderError::new("database unreachable");
    /// assert!(err.to_string().contains("database unreachable"));
    /// ```
    pub fn new(message: impl Display) -> Self {
        LoaderError {
            message: message.to_string(),
            client_error: None,
            store: None,
        }
    }

    /// A loader parameter could not be extracted from the request; `error` is the extractor's.
    /// This is what `#[user_loader]` and `#[request_loader]` do with a failed extractor
    /// parameter: a client error (4xx) stays the client's, anything else is a server error.
    ///
    /// ```
    /// use actix_web::{FromRequest, test::TestRequest, web};
    /// use login_runtime::LoaderError;
    ///
    /// use actix_web::http::header::ContentType;
    ///
    /// # actix_web::rt::System::new().block_on(async {
    /// let req = TestRequest::get().to_http_request(); // no Content-Type header
    /// let err = web::Header::<ContentType>::extract(&req).await.err().expect("no header");
    /// let err = LoaderError::from_extractor(err);
    /// assert_eq!(actix_web::ResponseError::status_code(&err), 400);
    /// # });
    /// ```
    pub fn from_extractor(error: impl Into<actix_web::Error>) -> Self {
        let error = error.into();
        let status = error.as_response_error().status_code();
        LoaderError {
            message: format!("a loader argument could not be extracted: {error}"),
            client_error: status.is_client_error().then_some(status),
            store: None,
        }
    }

    /// Whether the request, not the server, caused the failure (an extractor parameter the
    /// request does not satisfy).
    pub(crate) fn is_client_error(&self) -> bool {
        self.client_error.is_some()
    }

    /// The session store failure behind this error, when the login state could not be read
    /// because the store failed (then the answer is the store's 503, not a 500).
    ///
    /// ```
    /// use login_runtime::{LoaderError, StoreError};
    ///
    /// let err = LoaderError::from(StoreError::unavailable("connection refused"));
    /// assert!(err.store_error().is_some());
    /// assert_eq!(actix_web::ResponseError::status_code(&err), 503);
    /// assert!(LoaderError::new("query failed").store_error().is_none());
    /// ```
    pub fn store_error(&self) -> Option<&StoreError> {
        self.store.as_ref()
    }
}

impl From<StoreError> for LoaderError {
    fn from(err: StoreError) -> Self {
        LoaderError {
            message: err.to_string(),
            client_error: None,
            store: Some(err),
        }
    }
}

impl Display for LoaderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.store {
            Some(err) => write!(f, "the login state could not be loaded: {err}"),
            None => write!(f, "the user loader failed: {}", self.message),
        }
    }
}

impl std::error::Error for LoaderError {}

impl actix_web::ResponseError for LoaderError {
    fn status_code(&self) -> actix_web::http::StatusCode {
        if let Some(err) = &self.store {
            return err.status_code();
        }
        self.client_error
            .unwrap_or(actix_web::http::StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> actix_web::HttpResponse {
        if let Some(err) = &self.store {
            return err.error_response();
        }
        if let Some(status) = self.client_error {
            tracing::debug!(target: "login_runtime", error = %self, "user loader argument refused");
            return actix_web::HttpResponse::build(status)
                .content_type("text/plain; charset=utf-8")
                .body(format!("{status}: {}", self.message));
        }
        tracing::error!(target: "login_runtime", error = %self, "user loader failed");
        actix_web::HttpResponse::InternalServerError()
            .content_type("text/plain; charset=utf-8")
            .body("500 Internal Server Error: the user could not be loaded")
    }
}

/// Loads a user from the id stored in the session or the remember cookie: Flask-Login's
/// `user_loader`. Implemented by `#[user_loader]`; one per user type.
///
/// ```
/// use std::collections::HashMap;
/// use actix_web::{test::TestRequest, web};
/// use login_runtime::{UserLoader, UserMixin, user_loader};
///
/// #[derive(Clone, UserMixin)]
/// struct User { id: String }
/// struct Users(HashMap<String, User>); // registered with `App::app_data(web::Data::new(...))`
///
/// #[user_loader]
/// async fn load_user(id: String, users: web::Data<Users>) -> Option<User> {
///     users.0.get(&id).cloned()
/// }
/// # actix_web::rt::System::new().block_on(async {
/// let users = Users(HashMap::from([("ann".to_owned(), User { id: "ann".to_owned() })]));
/// let req = TestRequest::default().app_data(web::Data::new(users)).to_http_request();
/// assert!(User::load_user("ann".to_owned(), &req).await.unwrap().is_some());
/// assert!(User::load_user("bob".to_owned(), &req).await.unwrap().is_none());
/// # });
/// ```
#[diagnostic::on_unimplemented(
    message = "no `#[user_loader]` is defined for `{Self}`",
    label = "`{Self}` has no user loader",
    note = "`{Self}` must be the user struct itself, with `#[derive(UserMixin)]`; for a handler that also serves anonymous visitors, take `MaybeUser<User>` rather than `CurrentUser<Option<User>>`",
    note = "if `{Self}` is the user struct, give it a loader: `#[user_loader] async fn load_user(id: <{Self} as UserMixin>::Id) -> Option<{Self}> {{ ... }}` (it may also return `Result<Option<{Self}>, E>` and take extractors such as `web::Data<T>` after the id)"
)]
pub trait UserLoader: UserMixin + Sized {
    /// Loads the user with `id`; `Ok(None)` when there is no such user.
    ///
    /// The future owns what it needs (clone the request into it if it reads the request): the
    /// login context keeps it while it is pending, so it cannot borrow `req`.
    fn load_user(
        id: Self::Id,
        req: &HttpRequest,
    ) -> LocalBoxFuture<'static, Result<Option<Self>, LoaderError>>;
}

/// A user loader as the manager keeps it: `<U as UserLoader>::load_user`, taken by
/// `LoginManager::builder`, so only the builder needs `U: UserLoader`.
pub(crate) type LoadUser<U> =
    fn(<U as UserMixin>::Id, &HttpRequest) -> LocalBoxFuture<'static, Result<Option<U>, LoaderError>>;

/// Loads a user from the request itself (an API key, HTTP Basic, a bearer token): Flask-Login's
/// `request_loader`. Implemented by `#[request_loader]` and registered with
/// `LoginManagerBuilder::request_loader`.
///
/// A user loaded this way gets no session and no remember cookie.
///
/// ```
/// use actix_web::{HttpRequest, test::TestRequest};
/// use login_runtime::{RequestLoader, UserMixin, request_loader};
/// # #[derive(Clone, UserMixin)] struct User { id: String }
///
/// #[request_loader]
/// async fn api_key(req: HttpRequest) -> Option<User> {
///     let key = req.headers().get("x-api-key")?.to_str().ok()?;
///     (key == "key-of-ann").then(|| User { id: "ann".to_owned() }) // look the key up instead
/// }
/// # actix_web::rt::System::new().block_on(async {
/// let req = TestRequest::default().insert_header(("x-api-key", "key-of-ann")).to_http_request();
/// let user = api_key.load_from_request(&req).await.unwrap();
/// assert_eq!(user.map(|u| u.id).as_deref(), Some("ann"));
/// # });
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a request loader",
    note = "mark an async fn with `#[request_loader]`: `async fn(req: HttpRequest, ...) -> Option<User>`"
)]
pub trait RequestLoader: Send + Sync + 'static {
    /// The user type this loader produces.
    type User: UserMixin;

    /// Looks at the request and returns the user it authenticates, if any.
    fn load_from_request<'a>(
        &'a self,
        req: &'a HttpRequest,
    ) -> LocalBoxFuture<'a, Result<Option<Self::User>, LoaderError>>;
}

/// Turns what a `#[user_loader]` function returns (`Option<U>` or `Result<Option<U>, E>`) into
/// the loader result. Not public API.
/// What `LoginManagerBuilder::request_loader` takes: a request loader of the manager's user
/// type, as one trait so a loader of another user type is told so in our words.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a request loader of `{U}`, the user type of this manager",
    label = "not a request loader of `{U}`",
    note = "a `LoginManager<{U}>` takes a `#[request_loader] async fn(req: HttpRequest) -> Option<{U}>`: make the loader return `{U}`, or register it with the manager of the user type it returns"
)]
#[doc(hidden)]
pub trait RequestLoaderOf<U: UserMixin>: RequestLoader<User = U> {}
#[diagnostic::do_not_recommend]
impl<U: UserMixin, R: RequestLoader<User = U>> RequestLoaderOf<U> for R {}

#[doc(hidden)]
pub trait IntoLoadResult<U> {
    fn into_load_result(self) -> Result<Option<U>, LoaderError>;
}

impl<U> IntoLoadResult<U> for Option<U> {
    fn into_load_result(self) -> Result<Option<U>, LoaderError> {
        Ok(self)
    }
}

/// The error type of a loader that returns `Result<Option<User>, E>`: anything with `Display`
/// (the message is logged when a load fails).
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "the error type `{Self}` of this loader does not implement `Display`",
    label = "`{Self}` has no `Display`, which the failure's log line is written with",
    note = "implement `std::fmt::Display` for `{Self}` (or derive it with `thiserror`), or convert the error in the loader: `.map_err(|e| LoaderError::new(format!(\"{{e:?}}\")))?`"
)]
pub trait LoaderErrorMessage: Display {}
// `do_not_recommend`: a missing `Display` is reported with the message above, at the loader's
// return type, instead of rustc's words about `IntoLoadResult`.
#[diagnostic::do_not_recommend]
impl<E: Display> LoaderErrorMessage for E {}

impl<U, E: LoaderErrorMessage> IntoLoadResult<U> for Result<Option<U>, E> {
    fn into_load_result(self) -> Result<Option<U>, LoaderError> {
        self.map_err(LoaderError::new)
    }
}
