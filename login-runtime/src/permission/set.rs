//! [`PermissionSet`]: what a route's `permission = ..` is looked up in.

use std::borrow::Borrow;
use std::collections::{BTreeSet, HashSet};
use std::hash::{BuildHasher, Hash};
use std::rc::Rc;
use std::sync::Arc;

/// A user's permissions, asked whether they hold one permission.
///
/// Implemented for `HashSet<P>`, `BTreeSet<P>`, `Vec<P>`, slices and arrays of `P`, for
/// string collections asked about a `&str` (`HashSet<String>` holds `"admin"`), and through
/// `Rc`, `Arc` and `Box`. Implement it for your own type (a bit set, a role that implies
/// others) to decide what "holds" means.
///
/// ```
/// use std::collections::HashSet;
/// use login_runtime::PermissionSet;
///
/// #[derive(PartialEq, Eq, Hash)]
/// enum Perm { Admin, Billing }
///
/// let perms = HashSet::from([Perm::Billing]);
/// assert!(perms.has_permission(&Perm::Billing));
/// assert!(!perms.has_permission(&Perm::Admin));
///
/// let from_the_database = vec!["admin".to_owned()];
/// assert!(from_the_database.has_permission(&"admin"));
/// ```
#[diagnostic::on_unimplemented(
    message = "permissions of type `{Self}` cannot be asked for a `{P}`",
    label = "the user's permissions are `{Self}`",
    note = "the route's `permission = ..` must have the element type of what the permission loader returns: a `Perm` variant for a `HashSet<Perm>`, a string for a `HashSet<String>` or `Vec<String>`",
    note = "or implement `PermissionSet<{P}>` for `{Self}`"
)]
pub trait PermissionSet<P: ?Sized> {
    /// Whether `permission` is held.
    fn has_permission(&self, permission: &P) -> bool;
}

impl<P: Eq + Hash, S: BuildHasher> PermissionSet<P> for HashSet<P, S> {
    fn has_permission(&self, permission: &P) -> bool {
        self.contains(permission)
    }
}

impl<P: Ord> PermissionSet<P> for BTreeSet<P> {
    fn has_permission(&self, permission: &P) -> bool {
        self.contains(permission)
    }
}

impl<P: PartialEq> PermissionSet<P> for [P] {
    fn has_permission(&self, permission: &P) -> bool {
        self.contains(permission)
    }
}

impl<P: PartialEq, const N: usize> PermissionSet<P> for [P; N] {
    fn has_permission(&self, permission: &P) -> bool {
        self.contains(permission)
    }
}

impl<P: PartialEq> PermissionSet<P> for Vec<P> {
    fn has_permission(&self, permission: &P) -> bool {
        self.contains(permission)
    }
}

impl<S: BuildHasher> PermissionSet<&str> for HashSet<String, S> {
    fn has_permission(&self, permission: &&str) -> bool {
        self.contains(*permission)
    }
}

impl PermissionSet<&str> for BTreeSet<String> {
    fn has_permission(&self, permission: &&str) -> bool {
        self.contains(*permission)
    }
}

impl PermissionSet<&str> for Vec<String> {
    fn has_permission(&self, permission: &&str) -> bool {
        self.iter().any(|p| Borrow::<str>::borrow(p) == *permission)
    }
}

impl<P: ?Sized, S: PermissionSet<P> + ?Sized> PermissionSet<P> for &S {
    fn has_permission(&self, permission: &P) -> bool {
        (**self).has_permission(permission)
    }
}

impl<P: ?Sized, S: PermissionSet<P> + ?Sized> PermissionSet<P> for Rc<S> {
    fn has_permission(&self, permission: &P) -> bool {
        (**self).has_permission(permission)
    }
}

impl<P: ?Sized, S: PermissionSet<P> + ?Sized> PermissionSet<P> for Arc<S> {
    fn has_permission(&self, permission: &P) -> bool {
        (**self).has_permission(permission)
    }
}

impl<P: ?Sized, S: PermissionSet<P> + ?Sized> PermissionSet<P> for Box<S> {
    fn has_permission(&self, permission: &P) -> bool {
        (**self).has_permission(permission)
    }
}

/// A user type that keeps its permissions in one of its fields: what `#[user(permissions)]`
/// on a field implements.
///
/// ```
/// use std::collections::HashSet;
/// use login_runtime::{PermissionField, UserMixin, user_loader};
///
/// #[derive(Clone, Copy, PartialEq, Eq, Hash)]
/// enum Role { Admin, Editor }
///
/// #[derive(Clone, UserMixin)]
/// struct User {
///     id: u64,
///     #[user(permissions)]
///     roles: HashSet<Role>,
/// }
/// # #[user_loader] async fn load(id: u64) -> Option<User> { None }
/// let ann = User { id: 1, roles: HashSet::from([Role::Editor]) };
/// assert!(ann.permission_field().contains(&Role::Editor));
/// ```
pub trait PermissionField {
    /// The field's type.
    type Field: 'static;
    /// The field.
    fn permission_field(&self) -> &Self::Field;
}

/// The permissions of a user that keeps them in a field ([`PermissionField`]): the loaded
/// user itself, shared, so nothing is copied.
///
/// ```
/// use std::collections::HashSet;
/// use std::rc::Rc;
/// use login_runtime::{OwnPermissions, PermissionSet, UserMixin, user_loader};
/// # #[derive(Clone, Copy, PartialEq, Eq, Hash)] enum Role { Admin, Editor }
/// #[derive(Clone, UserMixin)]
/// struct User { id: u64, #[user(permissions)] roles: HashSet<Role> }
/// # #[user_loader] async fn load(id: u64) -> Option<User> { None }
///
/// let own = OwnPermissions(Rc::new(User { id: 1, roles: HashSet::from([Role::Admin]) }));
/// assert!(own.has_permission(&Role::Admin));
/// assert!(!own.has_permission(&Role::Editor));
/// ```
#[derive(Debug)]
pub struct OwnPermissions<U>(pub Rc<U>);

impl<P: ?Sized, U: PermissionField> PermissionSet<P> for OwnPermissions<U>
where
    U::Field: PermissionSet<P>,
{
    fn has_permission(&self, permission: &P) -> bool {
        self.0.permission_field().has_permission(permission)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_collections_are_asked_about_str() {
        let set: HashSet<String> = HashSet::from(["admin".to_owned()]);
        assert!(set.has_permission(&"admin"));
        assert!(!set.has_permission(&"Admin"));
        let tree: BTreeSet<String> = BTreeSet::from(["billing".to_owned()]);
        assert!(tree.has_permission(&"billing"));
        assert!(!vec!["a".to_owned()].has_permission(&"b"));
        assert!(Rc::new(["x", "y"]).has_permission(&"y"));
    }
}
