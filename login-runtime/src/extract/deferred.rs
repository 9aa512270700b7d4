//! A refusal built only when it is answered.
//!
//! `CurrentUser` refuses an anonymous request; its refusal has side effects (the `Unauthorized`
//! event, the flashed "Please log in" message, `next` kept in the session). Wrapped in actix's
//! `Option<CurrentUser<U>>`, the error is dropped and the page is served to the anonymous
//! visitor: none of those side effects may happen then. So the refusal is made when actix asks
//! the error for its response, and never if the error is dropped unanswered.

use std::cell::Cell;
use std::fmt;
use std::rc::Rc;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, ResponseError};

use crate::context::LoginContext;
use crate::guard::RouteOptions;
use crate::refusal::Refusal;
use crate::user::UserMixin;

/// An extractor's refusal, made when answered.
pub(crate) struct DeferredRefusal<U: UserMixin> {
    ctx: Rc<LoginContext<U>>,
    req: HttpRequest,
    refusal: Refusal,
    opts: RouteOptions,
    answered: Cell<bool>,
}

impl<U: UserMixin> DeferredRefusal<U> {
    pub(crate) fn new(
        ctx: Rc<LoginContext<U>>,
        req: HttpRequest,
        refusal: Refusal,
        opts: RouteOptions,
    ) -> Self {
        DeferredRefusal {
            ctx,
            req,
            refusal,
            opts,
            answered: Cell::new(false),
        }
    }
}

impl<U: UserMixin> fmt::Debug for DeferredRefusal<U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("DeferredRefusal").field(&self.refusal).finish()
    }
}

impl<U: UserMixin> fmt::Display for DeferredRefusal<U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.refusal.name())
    }
}

impl<U: UserMixin> ResponseError for DeferredRefusal<U> {
    fn status_code(&self) -> StatusCode {
        self.refusal.status()
    }

    fn error_response(&self) -> HttpResponse {
        if self.answered.replace(true) {
            // Asked twice: the side effects happened once; answer plainly.
            return crate::error::plain(self.refusal.status(), self.refusal.plain_text());
        }
        self.ctx
            .refusal(&self.req, self.refusal, &self.opts)
            .error_response()
    }
}
