//! The common load, polled in place. With the cookie store, a session that names a user needs
//! one await: the user loader's. A guard or an extractor that starts the load drives it
//! through [`LoginContext::begin_quick`] and [`LoginContext::poll_quick`]: the chain's steps
//! around that await run synchronously, and the loader's future (already boxed by the loader
//! itself) waits in the context, so the caller boxes no future of its own. An anonymous
//! request with nothing to fall through to settles at once, without any future.
//!
//! The rest runs the boxed chain of `once.rs` as before: a server-side store, a loader called
//! from inside a loader, a chain another future already runs. A session whose user is gone,
//! falling through to the remember cookie or the request loader, continues in one boxed
//! future held the same way.
//!
//! The caller that began a quick load is its driver: it must poll it to the end or call
//! [`LoginContext::abandon_quick`] when it is dropped (the held future owns the request, and
//! the request owns this context). Other callers wait as they wait for the boxed chain.

use std::rc::Rc;
use std::task::{Context, Poll};

use actix_web::HttpRequest;

use crate::context::chain::SessionUser;
use crate::context::once::LoadState;
use crate::context::{LoginContext, Source};
use crate::crypto::keys::TAG_LEN;
use crate::loader::{LoaderError, LocalBoxFuture};
use crate::user::UserMixin;

/// What a quick load is waiting for.
pub(super) enum Quick<U> {
    /// The user loader, for the user the session names.
    Loader {
        future: LocalBoxFuture<'static, Result<Option<U>, LoaderError>>,
        stored_digest: Option<[u8; TAG_LEN]>,
    },
    /// The remember cookie and the request loader, for a session that logged nobody in.
    FallThrough(LocalBoxFuture<'static, Result<(), LoaderError>>),
}

/// How [`LoginContext::begin_quick`] started.
pub(crate) enum Begun {
    /// Settled already: the caller is not the driver.
    Ready(Result<(), LoaderError>),
    /// Started and pending: the caller is the driver and polls [`LoginContext::poll_quick`].
    Driving,
    /// Not for the quick path: the caller runs [`LoginContext::load`] instead.
    Unavailable,
}

impl<U: UserMixin> LoginContext<U> {
    /// Starts the load chain in place, if it is idle and runs on the cookie store.
    pub(crate) fn begin_quick(self: &Rc<Self>, req: &HttpRequest, cx: &mut Context<'_>) -> Begun {
        match self.load_state.get() {
            LoadState::Done => return Begun::Ready(Ok(())),
            LoadState::Running => return Begun::Unavailable,
            LoadState::Idle if self.in_chain.get() || self.config.server.is_some() => {
                return Begun::Unavailable;
            }
            LoadState::Idle => {}
        }
        self.load_state.set(LoadState::Running);
        let incoming = self.incoming(req);
        if self.decided() {
            return Begun::Ready(self.settle_quick());
        }
        self.open_cookie_session(req, incoming);
        let next = match self.session_login() {
            Some((Some(id), stored_digest)) => Some(Quick::Loader {
                future: (self.config.load_user)(id, req),
                stored_digest,
            }),
            unparsed => {
                if unparsed.is_some() {
                    // An id that does not parse is a user that is gone.
                    self.clear_login(incoming);
                }
                self.fall_through_quick(req)
            }
        };
        let Some(next) = next else {
            return Begun::Ready(self.settle_quick());
        };
        *self.quick.borrow_mut() = Some(next);
        match self.poll_quick(req, cx) {
            Poll::Ready(result) => Begun::Ready(result),
            Poll::Pending => Begun::Driving,
        }
    }

    /// Polls the quick load this caller drives.
    pub(crate) fn poll_quick(
        self: &Rc<Self>,
        req: &HttpRequest,
        cx: &mut Context<'_>,
    ) -> Poll<Result<(), LoaderError>> {
        loop {
            // Taken out while polled, so nothing the loader calls finds the cell borrowed.
            let Some(mut quick) = self.quick.borrow_mut().take() else {
                // Abandoned meanwhile, or never begun: the chain settled or went back to idle.
                return Poll::Ready(match self.load_state.get() {
                    LoadState::Done => Ok(()),
                    _ => Err(LoaderError::new("the quick login load was polled after it ended")),
                });
            };
            let outer = self.in_chain.replace(true);
            let polled = match &mut quick {
                Quick::Loader { future, .. } => future.as_mut().poll(cx).map(Step::Loaded),
                Quick::FallThrough(future) => future.as_mut().poll(cx).map(Step::FellThrough),
            };
            self.in_chain.set(outer);
            let step = match polled {
                Poll::Pending => {
                    *self.quick.borrow_mut() = Some(quick);
                    return Poll::Pending;
                }
                Poll::Ready(step) => step,
            };
            let stored_digest = match quick {
                Quick::Loader { stored_digest, .. } => stored_digest,
                Quick::FallThrough(_) => None,
            };
            match step {
                Step::Loaded(Err(err)) | Step::FellThrough(Err(err)) => {
                    self.fail_quick();
                    return Poll::Ready(Err(err));
                }
                Step::FellThrough(Ok(())) => return Poll::Ready(self.settle_quick()),
                Step::Loaded(Ok(_)) if self.decided() => return Poll::Ready(self.settle_quick()),
                Step::Loaded(Ok(loaded)) => {
                    let incoming = self.incoming(req);
                    match self.accept_session_user(loaded, stored_digest.as_ref()) {
                        SessionUser::Accepted { user, .. } => {
                            self.settle_chain(incoming, Some(user), Source::Session);
                            return Poll::Ready(self.settle_quick());
                        }
                        SessionUser::Rejected => {
                            self.clear_login(incoming);
                            match self.fall_through_quick(req) {
                                Some(next) => *self.quick.borrow_mut() = Some(next),
                                None => return Poll::Ready(self.settle_quick()),
                            }
                        }
                    }
                }
            }
        }
    }

    /// Ends a quick load whose driver is dropped before it settled: the held future is
    /// dropped, and the next caller runs the chain again (as for a dropped boxed chain).
    pub(crate) fn abandon_quick(&self) {
        let held = self.quick.borrow_mut().take();
        if held.is_some() {
            drop(held);
            self.fail_quick();
        }
    }

    /// Steps 2 and 3 for a session that logged nobody in: `None` when there is nothing to try
    /// (the chain then settles at once), else the boxed rest of the chain.
    fn fall_through_quick(self: &Rc<Self>, req: &HttpRequest) -> Option<Quick<U>> {
        let incoming = self.incoming(req);
        if self.nothing_to_fall_through_to(incoming) {
            self.settle_chain(incoming, None, Source::Nobody);
            return None;
        }
        let ctx = Rc::clone(self);
        let req = req.clone();
        Some(Quick::FallThrough(Box::pin(async move {
            let incoming = ctx.incoming(&req);
            ctx.fall_through(&req, incoming).await
        })))
    }

    /// The chain ran: done, and every waiting future is woken.
    fn settle_quick(&self) -> Result<(), LoaderError> {
        self.load_state.set(LoadState::Done);
        self.wake_load_waiters();
        Ok(())
    }

    /// The chain failed or was dropped: idle again, so the next caller runs it.
    fn fail_quick(&self) {
        if self.load_state.get() == LoadState::Running {
            self.load_state.set(LoadState::Idle);
        }
        self.wake_load_waiters();
    }
}

/// What a held future came back with.
enum Step<U> {
    Loaded(Result<Option<U>, LoaderError>),
    FellThrough(Result<(), LoaderError>),
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::task::{Context, Poll, Waker};
    use std::time::Duration;

    use actix_web::test::TestRequest;

    use super::*;
    use crate::context::RememberOp;
    use crate::context::once::tests::{Flag, Member, OPTIONS, context_of, logged_in_as, member_manager};

    fn user_of(ctx: &LoginContext<Member>) -> Option<String> {
        ctx.loaded_user().flatten().map(|u| u.id.clone())
    }

    #[test]
    fn a_quick_load_drives_the_loader_in_place_and_settles_the_chain() {
        let (req, ctx) = logged_in_as("ada");
        let ctx = Rc::new(ctx);
        let noop = &mut Context::from_waker(Waker::noop());
        assert!(
            matches!(ctx.begin_quick(&req, noop), Begun::Driving),
            "the loader yields once"
        );
        assert!(
            ctx.loaded_user().is_none(),
            "not loaded while the loader is pending"
        );
        assert!(matches!(ctx.poll_quick(&req, noop), Poll::Ready(Ok(()))));
        assert_eq!(user_of(&ctx).as_deref(), Some("ada"));
        assert_eq!(ctx.source(), Source::Session);
        assert!(
            matches!(ctx.begin_quick(&req, noop), Begun::Ready(Ok(()))),
            "a settled chain is not run again"
        );
    }

    #[test]
    fn a_boxed_load_waits_for_a_quick_load_and_is_woken_when_it_settles() {
        let (req, ctx) = logged_in_as("ada");
        let ctx = Rc::new(ctx);
        let noop = &mut Context::from_waker(Waker::noop());
        assert!(matches!(ctx.begin_quick(&req, noop), Begun::Driving));
        assert!(
            matches!(ctx.begin_quick(&req, noop), Begun::Unavailable),
            "a second caller does not drive the same load"
        );
        let flag = Arc::new(Flag(AtomicBool::new(false)));
        let waker = Waker::from(Arc::clone(&flag));
        let mut waiting = Box::pin(ctx.load(&req));
        assert!(
            waiting
                .as_mut()
                .poll(&mut Context::from_waker(&waker))
                .is_pending()
        );
        assert!(matches!(ctx.poll_quick(&req, noop), Poll::Ready(Ok(()))));
        assert!(flag.0.load(Ordering::SeqCst), "the waiting load is woken");
        assert!(matches!(waiting.as_mut().poll(noop), Poll::Ready(Ok(()))));
        assert_eq!(user_of(&ctx).as_deref(), Some("ada"));
    }

    #[test]
    fn an_abandoned_quick_load_is_run_again_by_the_next_caller() {
        let (req, ctx) = logged_in_as("ada");
        let ctx = Rc::new(ctx);
        let noop = &mut Context::from_waker(Waker::noop());
        assert!(matches!(ctx.begin_quick(&req, noop), Begun::Driving));
        ctx.abandon_quick();
        assert!(
            ctx.quick.borrow().is_none(),
            "the held future (and its request) is dropped"
        );
        let mut next = Box::pin(ctx.load(&req));
        assert!(next.as_mut().poll(noop).is_pending(), "it runs the chain itself");
        assert!(matches!(next.as_mut().poll(noop), Poll::Ready(Ok(()))));
        assert_eq!(user_of(&ctx).as_deref(), Some("ada"));
    }

    #[test]
    fn a_login_made_while_a_quick_load_awaits_its_loader_is_not_undone() {
        let (req, ctx) = logged_in_as("gone");
        let ctx = Rc::new(ctx);
        let noop = &mut Context::from_waker(Waker::noop());
        assert!(matches!(ctx.begin_quick(&req, noop), Begun::Driving));
        let mut login = Box::pin(ctx.login(&req, Member { id: "ada".into() }, OPTIONS));
        assert!(matches!(login.as_mut().poll(noop), Poll::Ready(Ok(()))));
        drop(login);
        assert!(matches!(ctx.poll_quick(&req, noop), Poll::Ready(Ok(()))));
        let state = ctx.state.borrow();
        assert_eq!(
            state.session.as_ref().and_then(|s| s.user_id.as_deref()),
            Some("ada"),
            "the gone user's cleanup must not erase the new login"
        );
        assert_eq!(state.source, Source::Login);
    }

    #[test]
    fn an_anonymous_request_with_nothing_to_fall_through_to_settles_at_once() {
        let req = TestRequest::default().to_http_request();
        let ctx = Rc::new(context_of(&member_manager()));
        let noop = &mut Context::from_waker(Waker::noop());
        assert!(matches!(ctx.begin_quick(&req, noop), Begun::Ready(Ok(()))));
        assert!(ctx.quick.borrow().is_none(), "no future was made");
        assert_eq!(ctx.loaded_user().map(|u| u.is_none()), Some(true));
    }

    #[test]
    fn a_session_whose_user_is_gone_falls_through_to_the_remember_cookie() {
        let manager = member_manager();
        let gone = Member { id: "gone".into() };
        let login = manager.test_login(&gone);
        let req = login
            .apply(TestRequest::default())
            .cookie(login.remember_cookie(Duration::from_secs(3600)))
            .to_http_request();
        let ctx = Rc::new(context_of(&manager));
        let noop = &mut Context::from_waker(Waker::noop());
        assert!(matches!(ctx.begin_quick(&req, noop), Begun::Driving));
        let mut settled = ctx.poll_quick(&req, noop);
        for _ in 0..4 {
            if settled.is_ready() {
                break;
            }
            settled = ctx.poll_quick(&req, noop);
        }
        assert!(matches!(settled, Poll::Ready(Ok(()))), "both loads settle");
        assert_eq!(ctx.loaded_user().map(|u| u.is_none()), Some(true));
        let state = ctx.state.borrow();
        assert!(state.session.is_none(), "the gone user's session login ended");
        assert!(
            matches!(state.remember, RememberOp::Delete),
            "the remember cookie was tried, found the user gone, and is deleted"
        );
    }
}
