//! The load-once protocol: the load chain runs at most once per request, however many
//! extractors and guards ask for the user, and a failed or abandoned run is run again by the
//! next caller (as a failed `OnceCell` initialisation would be).

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use actix_web::HttpRequest;

use crate::context::LoginContext;
use crate::loader::LoaderError;
use crate::user::UserMixin;

impl<U: UserMixin> LoginContext<U> {
    /// Runs the load chain once per request.
    pub(crate) async fn load(&self, req: &HttpRequest) -> Result<(), LoaderError> {
        if self.in_chain.get() {
            // Called from inside a loader (an extractor parameter, a `LoginSession` call):
            // waiting for the chain would wait for ourselves.
            return Err(LoaderError::new(
                "a loader asked for the current user while that user was being loaded: a `#[user_loader]` or `#[request_loader]` must not take `CurrentUser`/`MaybeUser` or call `LoginSession` methods that load the user",
            ));
        }
        loop {
            match self.load_state.get() {
                LoadState::Done => return Ok(()),
                LoadState::Running => LoadSettled(self).await,
                LoadState::Idle => return self.run_chain(req).await,
            }
        }
    }

    /// Runs the chain, marking it as running so that other futures of this request wait for
    /// it. On an error (or if this future is dropped mid-way) the chain goes back to idle, so
    /// the next caller runs it again, as a failed `OnceCell` initialisation would.
    async fn run_chain(&self, req: &HttpRequest) -> Result<(), LoaderError> {
        self.load_state.set(LoadState::Running);
        let settle = SettleOnDrop(self);
        let result = MarkWhilePolled {
            flag: &self.in_chain,
            inner: self.load_chain(req),
        }
        .await;
        if result.is_ok() {
            self.load_state.set(LoadState::Done);
        }
        drop(settle);
        result
    }
}

pin_project_lite::pin_project! {
    /// Sets `flag` while `inner` is polled, so code running inside that poll can tell.
    struct MarkWhilePolled<'a, F> {
        flag: &'a Cell<bool>,
        #[pin]
        inner: F,
    }
}

impl<F: Future> Future for MarkWhilePolled<'_, F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        let outer = this.flag.replace(true);
        let out = this.inner.poll(cx);
        this.flag.set(outer);
        out
    }
}

/// Where the load chain of a request stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum LoadState {
    /// Not run yet, or the last run failed (a loader error): the next caller runs it.
    Idle,
    /// A future of this request is running it; others wait for it to settle.
    Running,
    /// It ran and decided who the request is.
    Done,
}

/// Resolves when the chain another future is running settles (done, failed or dropped).
struct LoadSettled<'a, U: UserMixin>(&'a LoginContext<U>);

impl<U: UserMixin> Future for LoadSettled<'_, U> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let ctx = self.0;
        if ctx.load_state.get() != LoadState::Running {
            return Poll::Ready(());
        }
        let mut waiters = ctx.load_waiters.borrow_mut();
        if !waiters.iter().any(|w| w.will_wake(cx.waker())) {
            waiters.push(cx.waker().clone());
        }
        Poll::Pending
    }
}

/// Held while a future runs the chain: when it finishes or is dropped, a chain still marked
/// as running goes back to idle, and every waiting task is woken.
struct SettleOnDrop<'a, U: UserMixin>(&'a LoginContext<U>);

impl<U: UserMixin> Drop for SettleOnDrop<'_, U> {
    fn drop(&mut self) {
        let ctx = self.0;
        if ctx.load_state.get() == LoadState::Running {
            ctx.load_state.set(LoadState::Idle);
        }
        ctx.wake_load_waiters();
    }
}

impl<U: UserMixin> LoginContext<U> {
    /// Wakes every future waiting for the chain to settle.
    pub(super) fn wake_load_waiters(&self) {
        let waiters = std::mem::take(&mut *self.load_waiters.borrow_mut());
        for waker in waiters {
            waker.wake();
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use std::rc::Rc;
    use std::sync::Arc;

    use super::*;
    use crate::context::{LoginOptions, RememberOp, Source};
    use crate::loader::{LocalBoxFuture, UserLoader};
    use crate::middleware::LoginManager;
    use crate::user::UserMixin;
    use actix_web::test::TestRequest;

    #[derive(Clone, Debug)]
    pub(in crate::context) struct Member {
        pub(in crate::context) id: String,
    }

    impl UserMixin for Member {
        type Id = String;
        fn get_id(&self) -> &String {
            &self.id
        }
    }

    /// Yields once, like a loader waiting for its database.
    pub(in crate::context) struct YieldOnce(pub(in crate::context) bool);

    impl Future for YieldOnce {
        type Output = ();
        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            if self.0 {
                Poll::Ready(())
            } else {
                self.0 = true;
                cx.waker().wake_by_ref();
                Poll::Pending
            }
        }
    }

    /// `gone` no longer exists; everybody else does.
    impl UserLoader for Member {
        fn load_user(
            id: String,
            _req: &HttpRequest,
        ) -> LocalBoxFuture<'static, Result<Option<Self>, LoaderError>> {
            Box::pin(async move {
                YieldOnce(false).await;
                Ok((id != "gone").then_some(Member { id }))
            })
        }
    }

    pub(in crate::context) const OPTIONS: LoginOptions = LoginOptions {
        remember: true,
        duration: None,
        fresh: true,
        force: false,
    };

    #[test]
    fn a_login_made_while_the_chain_awaits_its_loader_is_not_undone_by_the_chain() {
        let (req, ctx) = logged_in_as("gone");
        let mut load = Box::pin(ctx.load(&req));
        let mut cx = Context::from_waker(std::task::Waker::noop());
        assert!(load.as_mut().poll(&mut cx).is_pending(), "the loader is awaited");
        // Something else in the request logs `ada` in while the loader is pending.
        let mut login = Box::pin(ctx.login(&req, Member { id: "ada".into() }, OPTIONS));
        let logged_in = login.as_mut().poll(&mut cx);
        assert!(
            matches!(logged_in, Poll::Ready(Ok(()))),
            "the cookie store logs in at once"
        );
        drop(login);
        assert!(matches!(load.as_mut().poll(&mut cx), Poll::Ready(Ok(()))));
        drop(load);
        let state = ctx.state.borrow();
        assert_eq!(
            state.session.as_ref().and_then(|s| s.user_id.as_deref()),
            Some("ada"),
            "the stale session's cleanup must not erase the new login"
        );
        assert!(matches!(&state.remember, RememberOp::Set(t) if t.user_id == "ada"));
        assert_eq!(state.source, Source::Login);
    }

    /// Records whether it was woken.
    pub(in crate::context) struct Flag(pub(in crate::context) std::sync::atomic::AtomicBool);

    impl std::task::Wake for Flag {
        fn wake(self: Arc<Self>) {
            self.0.store(true, std::sync::atomic::Ordering::SeqCst);
        }
    }

    /// The manager of these tests: defaults, a fixed key.
    pub(in crate::context) fn member_manager() -> LoginManager<Member> {
        LoginManager::<Member>::builder([7u8; 32])
            .build()
            .expect("valid configuration")
    }

    /// A fresh login context of `manager`, as the middleware makes one per request.
    pub(in crate::context) fn context_of(manager: &LoginManager<Member>) -> LoginContext<Member> {
        LoginContext::new(Rc::new(Arc::clone(&manager.config)))
    }

    /// A request carrying the session cookie of `id`, and a fresh context for it.
    pub(in crate::context) fn logged_in_as(id: &str) -> (HttpRequest, LoginContext<Member>) {
        let manager = member_manager();
        let req = manager
            .test_login(&Member { id: id.into() })
            .apply(TestRequest::default())
            .to_http_request();
        (req, context_of(&manager))
    }

    #[test]
    fn a_second_load_waits_for_the_running_chain_and_is_woken_when_it_settles() {
        let (req, ctx) = logged_in_as("ada");
        let mut first = Box::pin(ctx.load(&req));
        let mut second = Box::pin(ctx.load(&req));
        let noop = &mut Context::from_waker(std::task::Waker::noop());
        let flag = Arc::new(Flag(std::sync::atomic::AtomicBool::new(false)));
        let waker = std::task::Waker::from(Arc::clone(&flag));
        assert!(first.as_mut().poll(noop).is_pending(), "the loader is awaited");
        assert!(
            second
                .as_mut()
                .poll(&mut Context::from_waker(&waker))
                .is_pending()
        );
        assert!(ctx.loaded_user().is_none(), "not loaded while the chain runs");
        assert!(matches!(first.as_mut().poll(noop), Poll::Ready(Ok(()))));
        assert!(
            flag.0.load(std::sync::atomic::Ordering::SeqCst),
            "the waiter is woken"
        );
        assert!(matches!(second.as_mut().poll(noop), Poll::Ready(Ok(()))));
        let user = ctx.loaded_user().flatten().map(|u| u.id.clone());
        assert_eq!(user.as_deref(), Some("ada"));
    }

    #[test]
    fn a_chain_dropped_while_running_is_run_again_by_the_next_load() {
        let (req, ctx) = logged_in_as("ada");
        let noop = &mut Context::from_waker(std::task::Waker::noop());
        let mut abandoned = Box::pin(ctx.load(&req));
        assert!(abandoned.as_mut().poll(noop).is_pending());
        drop(abandoned);
        let mut next = Box::pin(ctx.load(&req));
        assert!(next.as_mut().poll(noop).is_pending(), "it runs the chain itself");
        assert!(matches!(next.as_mut().poll(noop), Poll::Ready(Ok(()))));
        let user = ctx.loaded_user().flatten().map(|u| u.id.clone());
        assert_eq!(user.as_deref(), Some("ada"));
    }
}
