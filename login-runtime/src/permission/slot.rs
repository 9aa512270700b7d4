//! The permissions of a request's user, loaded at most once per request however many guards
//! and extractors ask, and kept in the request's extensions.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use actix_web::{HttpMessage, HttpRequest};

use crate::loader::LoaderError;
use crate::permission::PermissionLoader;

/// One request's permissions of user type `U`.
struct Slot<U: PermissionLoader> {
    value: RefCell<Option<Rc<U::Permissions>>>,
    loading: Cell<bool>,
    waiters: RefCell<Vec<Waker>>,
}

/// The permissions of `user`, the request's logged-in user: loaded by its
/// [`PermissionLoader`] on the first call in a request, shared afterwards (a guard and a
/// [`Permissions`](crate::Permissions) extractor load once between them). A failed load is
/// not kept: the next caller loads again.
///
/// ```
/// use std::collections::HashSet;
/// use actix_web::{HttpRequest, test::TestRequest};
/// use login_runtime::{UserMixin, permission_loader, permissions_of, user_loader};
/// # #[derive(Clone, UserMixin)] struct User { id: String }
/// # #[user_loader] async fn load(id: String) -> Option<User> { None }
/// #[permission_loader]
/// async fn permissions(user: &User) -> HashSet<String> {
///     HashSet::from([format!("read:{}", user.id)])
/// }
/// # actix_web::rt::System::new().block_on(async {
/// let req: HttpRequest = TestRequest::default().to_http_request();
/// let ann = std::rc::Rc::new(User { id: "ann".to_owned() });
/// let perms = permissions_of(&ann, &req).await?;
/// assert!(perms.contains("read:ann"));
/// # Ok::<(), login_runtime::LoaderError>(())
/// # }).unwrap();
/// ```
pub async fn permissions_of<U: PermissionLoader>(
    user: &Rc<U>,
    req: &HttpRequest,
) -> Result<Rc<U::Permissions>, LoaderError> {
    let slot = {
        let mut ext = req.extensions_mut();
        match ext.get::<Rc<Slot<U>>>() {
            Some(slot) => Rc::clone(slot),
            None => {
                let slot = Rc::new(Slot::<U> {
                    value: RefCell::new(None),
                    loading: Cell::new(false),
                    waiters: RefCell::new(Vec::new()),
                });
                ext.insert(Rc::clone(&slot));
                slot
            }
        }
    };
    loop {
        if let Some(value) = slot.value.borrow().as_ref() {
            return Ok(Rc::clone(value));
        }
        if slot.loading.get() {
            Settled(&slot).await;
            continue;
        }
        slot.loading.set(true);
        let done = WakeOnDrop(&slot);
        let loaded = U::load_permissions(Rc::clone(user), req.clone()).await;
        let value = loaded.map(Rc::new);
        if let Ok(value) = &value {
            *slot.value.borrow_mut() = Some(Rc::clone(value));
        }
        drop(done);
        return value;
    }
}

/// Ends a load: wakes the waiters, also when the loading future is dropped half-way.
struct WakeOnDrop<'a, U: PermissionLoader>(&'a Slot<U>);

impl<U: PermissionLoader> Drop for WakeOnDrop<'_, U> {
    fn drop(&mut self) {
        self.0.loading.set(false);
        for waker in self.0.waiters.borrow_mut().drain(..) {
            waker.wake();
        }
    }
}

/// Waits until the running load ends.
struct Settled<'a, U: PermissionLoader>(&'a Slot<U>);

impl<U: PermissionLoader> Future for Settled<'_, U> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0.loading.get() {
            self.0.waiters.borrow_mut().push(cx.waker().clone());
            Poll::Pending
        } else {
            Poll::Ready(())
        }
    }
}
