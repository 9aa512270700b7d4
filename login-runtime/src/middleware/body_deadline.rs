//! [`BodyDeadline`]: a deadline for a request body to arrive. actix-web bounds the time a
//! client may take to send the request head (`HttpServer::client_request_timeout`, 5 s), but
//! not the body: a client that sends `Content-Length: 1000` and then one byte a second holds a
//! connection, and a worker's attention, for as long as it likes. This middleware gives the
//! body a deadline from the moment the head has arrived; a body still incomplete then is
//! answered `408 Request Timeout` with `Connection: close`, and the connection is closed.

use std::cell::Cell;
use std::future::{Future, Ready, ready};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::Duration;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::error::{InternalError, PayloadError};
use actix_web::rt::time::{Sleep, sleep};
use actix_web::web::Bytes;
use actix_web::{Error, HttpMessage as _, HttpResponse};
use futures_core::Stream;

/// Answers `408 Request Timeout` and closes the connection when a request body has not
/// arrived in full within `limit` of its head: the slow-body ("slow POST") counterpart of
/// actix-web's `client_request_timeout`, which covers the head only.
///
/// Register it last, with `App::wrap`, so that it is the outermost middleware and its clock
/// starts before anything else reads the body. Requests without a body pay nothing; a request
/// with one pays two small allocations (the timer and the wrapped payload stream). When the
/// deadline passes, whoever is reading the body gets an error, and whatever the application
/// answers is replaced by the 408. Over HTTP/1 the connection is then closed; over HTTP/2
/// only that stream is answered (the connection carries other requests). The deadline only
/// acts while someone reads the body: a request whose handler never reads it is answered as
/// usual, and actix-web then closes the connection (a `Content-Length` body) or drains the
/// rest (a chunked one) without this deadline.
///
/// ```
/// # actix_web::rt::System::new().block_on(async {
/// use std::time::Duration;
/// use actix_web::{App, test, web};
/// use login_runtime::BodyDeadline;
///
/// let app = App::new()
///     .route("/echo", web::post().to(|body: String| async move { body }))
///     .wrap(BodyDeadline::new(Duration::from_secs(10)));
/// let app = test::init_service(app).await;
/// let req = test::TestRequest::post().uri("/echo").set_payload("hello").to_request();
/// assert_eq!(test::call_and_read_body(&app, req).await, "hello");
/// # });
/// ```
#[derive(Clone, Copy, Debug)]
pub struct BodyDeadline {
    limit: Duration,
}

impl BodyDeadline {
    /// A deadline of `limit` for each request body, counted from the end of the request head.
    ///
    /// ```
    /// use std::time::Duration;
    /// use login_runtime::BodyDeadline;
    ///
    /// let deadline = BodyDeadline::new(Duration::from_secs(10));
    /// assert_eq!(deadline.limit(), Duration::from_secs(10));
    /// ```
    pub fn new(limit: Duration) -> Self {
        BodyDeadline { limit }
    }

    /// The deadline each request body gets.
    ///
    /// ```
    /// use std::time::Duration;
    /// use login_runtime::BodyDeadline;
    ///
    /// assert_eq!(BodyDeadline::new(Duration::from_millis(500)).limit(), Duration::from_millis(500));
    /// ```
    pub fn limit(&self) -> Duration {
        self.limit
    }
}

impl<S, B> Transform<S, ServiceRequest> for BodyDeadline
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
    B: MessageBody,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Transform = BodyDeadlineMiddleware<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, ()>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(BodyDeadlineMiddleware {
            service,
            limit: self.limit,
        }))
    }
}

/// The service [`BodyDeadline`] wraps around an app. Not used directly.
pub struct BodyDeadlineMiddleware<S> {
    service: S,
    limit: Duration,
}

impl<S, B> Service<ServiceRequest> for BodyDeadlineMiddleware<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
    B: MessageBody,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Future = BodyDeadlineFuture<S::Future>;

    actix_web::dev::forward_ready!(service);

    fn call(&self, mut req: ServiceRequest) -> Self::Future {
        let expired = match req.take_payload() {
            Payload::None => None,
            payload => {
                let expired = Rc::new(Cell::new(false));
                let stream = DeadlineStream {
                    inner: payload,
                    deadline: Box::pin(sleep(self.limit)),
                    expired: Rc::clone(&expired),
                    done: false,
                };
                req.set_payload(Payload::Stream {
                    payload: Box::pin(stream),
                });
                Some(expired)
            }
        };
        BodyDeadlineFuture {
            inner: self.service.call(req),
            expired,
            limit: self.limit,
        }
    }
}

pin_project_lite::pin_project! {
    /// The response future of [`BodyDeadlineMiddleware`]. Not used directly.
    pub struct BodyDeadlineFuture<F> {
        #[pin]
        inner: F,
        expired: Option<Rc<Cell<bool>>>,
        limit: Duration,
    }
}

impl<F, B> Future for BodyDeadlineFuture<F>
where
    F: Future<Output = Result<ServiceResponse<B>, Error>>,
{
    type Output = Result<ServiceResponse<EitherBody<B>>, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let result = std::task::ready!(this.inner.poll(cx));
        let expired = this.expired.as_ref().is_some_and(|e| e.get());
        Poll::Ready(match (result, expired) {
            (Ok(res), false) => Ok(res.map_into_left_body()),
            (Err(e), false) => Err(e),
            (Ok(res), true) => {
                let (req, _answer) = res.into_parts();
                tracing::info!(path = req.path(), limit = ?this.limit, "request body too slow: answered 408");
                Ok(ServiceResponse::new(req, timed_out(*this.limit)).map_into_right_body())
            }
            (Err(_), true) => {
                tracing::info!(limit = ?this.limit, "request body too slow: answered 408");
                Err(InternalError::from_response("request body too slow", timed_out(*this.limit)).into())
            }
        })
    }
}

/// The 408 answer; `force_close` makes actix send `Connection: close` and close the connection.
fn timed_out(limit: Duration) -> HttpResponse {
    HttpResponse::RequestTimeout()
        .force_close()
        .content_type("text/plain; charset=utf-8")
        .body(format!(
            "The request body did not arrive within {} ms; send it again, faster.",
            limit.as_millis()
        ))
}

/// The request payload with a deadline: once it passes, the next read is an error.
struct DeadlineStream {
    inner: Payload,
    deadline: Pin<Box<Sleep>>,
    expired: Rc<Cell<bool>>,
    done: bool,
}

impl Stream for DeadlineStream {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.done {
            return Poll::Ready(None);
        }
        // The clock is checked before every read, so a body trickling in byte by byte is cut
        // as surely as one that stalls.
        if self.deadline.as_mut().poll(cx).is_ready() {
            self.done = true;
            self.expired.set(true);
            let err = std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "the request body arrived too slowly",
            );
            return Poll::Ready(Some(Err(PayloadError::Io(err))));
        }
        let item = Pin::new(&mut self.inner).poll_next(cx);
        if let Poll::Ready(None) = item {
            self.done = true;
        }
        item
    }
}
