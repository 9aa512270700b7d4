//! Answers that must not be lost when a handler swallows them.
//!
//! actix-web's blanket `Option<T>` (and `Result<T, E>`) extractors turn an extractor's error
//! into `None`: `Option<CurrentUser<U>>` is what actix users write by habit. A failed load (the
//! user loader or the session store is down) swallowed that way would let the handler render
//! the page as if nobody were logged in: an outage that looks like a logout. So the failure is
//! a [`LoadFailure`]: when it is dropped without having been answered, its answer goes to the
//! request's context, and the middleware answers it instead of the handler's response.

use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

use crate::error::plain;

/// Where a swallowed failure's answer is kept until the response (one per request).
pub(crate) type SwallowedAnswer = Rc<RefCell<Option<HttpResponse>>>;

/// A failed load, answered (503 for a store outage, 500 for a loader error) unless a handler
/// swallows it, in which case the middleware answers it.
pub(crate) struct LoadFailure {
    status: StatusCode,
    answer: RefCell<Option<HttpResponse>>,
    swallowed: SwallowedAnswer,
}

impl LoadFailure {
    /// Wraps the failure's answer.
    pub(crate) fn new(answer: HttpResponse, swallowed: SwallowedAnswer) -> Self {
        LoadFailure {
            status: answer.status(),
            answer: RefCell::new(Some(answer)),
            swallowed,
        }
    }
}

impl fmt::Debug for LoadFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoadFailure")
            .field("status", &self.status)
            .finish()
    }
}

impl fmt::Display for LoadFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the login state could not be loaded ({})", self.status)
    }
}

impl ResponseError for LoadFailure {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        self.answer.borrow_mut().take().unwrap_or_else(|| {
            // Asked twice (a middleware that renders errors itself): the same status, plainly.
            plain(
                self.status,
                "the login state could not be loaded; try again in a moment",
            )
        })
    }
}

impl Drop for LoadFailure {
    fn drop(&mut self) {
        if let Some(answer) = self.answer.get_mut().take() {
            tracing::error!(
                target: "login_runtime",
                status = self.status.as_u16(),
                "a handler swallowed a failed login load (an `Option<CurrentUser<..>>`?); answering the failure instead of a page rendered as if logged out"
            );
            *self.swallowed.borrow_mut() = Some(answer);
        }
    }
}
