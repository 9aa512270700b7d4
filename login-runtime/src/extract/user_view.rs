//! [`CurrentUserView`]: the current user as templates see it (Flask's `current_user` in every
//! Jinja context), serializable with the `serde` feature.

use crate::extract::{CurrentUser, LoadedFrom, MaybeUser};
use crate::user::UserMixin;

/// The current user for a template: whether somebody is logged in, their id, how they were
/// found, and the user itself. With the `serde` feature it serializes (for minijinja, tera,
/// askama's serde support, JSON) as
/// `{"is_authenticated": bool, "is_anonymous": bool, "id": "<id>" | null,
/// "loaded_from": "session" | "remember_cookie" | "request" | "login" | null, "user": <U> | null}`;
/// the `user` member needs `U: Serialize`, and [`CurrentUserView::without_user`] leaves it
/// out (`null`) for a user type that is not.
///
/// ```
/// use login_runtime::{MaybeUser, UserMixin, user_loader};
/// # #[derive(Clone, UserMixin)] struct User { id: String }
/// # #[user_loader] async fn load(id: String) -> Option<User> { None }
///
/// async fn page(user: MaybeUser<User>) -> String {
///     let view = user.view();
///     match view.id() {
///         Some(id) => format!("Logged in as: {id}"),
///         None => "Log in".to_owned(),
///     }
/// }
/// ```
#[derive(Debug)]
pub struct CurrentUserView<'a, U> {
    user: Option<&'a U>,
    id: Option<String>,
    loaded_from: Option<LoadedFrom>,
}

impl<U> Clone for CurrentUserView<'_, U> {
    fn clone(&self) -> Self {
        CurrentUserView {
            user: self.user,
            id: self.id.clone(),
            loaded_from: self.loaded_from,
        }
    }
}

impl<'a, U: UserMixin> CurrentUserView<'a, U> {
    fn new(user: Option<&'a U>, loaded_from: Option<LoadedFrom>) -> Self {
        CurrentUserView {
            id: user.map(|u| u.get_id().to_string()),
            user,
            loaded_from,
        }
    }
}

impl<'a, U> CurrentUserView<'a, U> {
    /// Whether somebody is logged in.
    ///
    /// ```
    /// # use login_runtime::{MaybeUser, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { None }
    /// async fn nav(user: MaybeUser<User>) -> &'static str {
    ///     if user.view().is_authenticated() { "Log out" } else { "Log in" }
    /// }
    /// ```
    pub fn is_authenticated(&self) -> bool {
        self.id.is_some()
    }

    /// Whether nobody is logged in.
    ///
    /// ```
    /// # use login_runtime::{MaybeUser, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { None }
    /// async fn nav(user: MaybeUser<User>) -> &'static str {
    ///     if user.view().is_anonymous() { "Sign up" } else { "Account" }
    /// }
    /// ```
    pub fn is_anonymous(&self) -> bool {
        self.id.is_none()
    }

    /// The user's id as written in cookies (`Display`), if somebody is logged in.
    ///
    /// ```
    /// # use login_runtime::{MaybeUser, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { None }
    /// async fn who(user: MaybeUser<User>) -> String {
    ///     user.view().id().unwrap_or("nobody").to_owned()
    /// }
    /// ```
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// How the user was found, if somebody is logged in.
    ///
    /// ```
    /// # use login_runtime::{LoadedFrom, MaybeUser, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { None }
    /// async fn banner(user: MaybeUser<User>) -> bool {
    ///     user.view().loaded_from() == Some(LoadedFrom::RememberCookie)
    /// }
    /// ```
    pub fn loaded_from(&self) -> Option<LoadedFrom> {
        self.loaded_from
    }

    /// The user, if somebody is logged in.
    ///
    /// ```
    /// # use login_runtime::{MaybeUser, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { None }
    /// async fn name(user: MaybeUser<User>) -> Option<String> {
    ///     user.view().user().map(|u| u.id.clone())
    /// }
    /// ```
    pub fn user(&self) -> Option<&'a U> {
        self.user
    }

    /// The same view without the user (it serializes as `"user": null`), for a user type
    /// that is not `Serialize` or holds what a template must not see.
    ///
    /// ```
    /// # use login_runtime::{MaybeUser, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { None }
    /// async fn header(user: MaybeUser<User>) -> bool {
    ///     let view = user.view().without_user();
    ///     view.user().is_none()
    /// }
    /// ```
    pub fn without_user(self) -> CurrentUserView<'a, ()> {
        CurrentUserView {
            user: None,
            id: self.id,
            loaded_from: self.loaded_from,
        }
    }
}

impl<U: UserMixin> MaybeUser<U> {
    /// The current user for a template: see [`CurrentUserView`].
    ///
    /// ```
    /// # use login_runtime::{MaybeUser, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { None }
    /// async fn page(user: MaybeUser<User>) -> String {
    ///     format!("authenticated: {}", user.view().is_authenticated())
    /// }
    /// ```
    pub fn view(&self) -> CurrentUserView<'_, U> {
        CurrentUserView::new(self.0.as_deref(), self.1)
    }
}

impl<U: UserMixin> CurrentUser<U> {
    /// The current user for a template: see [`CurrentUserView`].
    ///
    /// ```
    /// # use login_runtime::{CurrentUser, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { None }
    /// async fn page(user: CurrentUser<User>) -> String {
    ///     format!("id: {:?}", user.view().id())
    /// }
    /// ```
    pub fn view(&self) -> CurrentUserView<'_, U> {
        CurrentUserView::new(Some(&*self.0), Some(self.1))
    }
}

#[cfg(feature = "serde")]
impl<U: serde::Serialize> serde::Serialize for CurrentUserView<'_, U> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;

        let loaded_from = self.loaded_from.map(|from| match from {
            LoadedFrom::Session => "session",
            LoadedFrom::RememberCookie => "remember_cookie",
            LoadedFrom::Request => "request",
            LoadedFrom::Login => "login",
        });
        let mut s = serializer.serialize_struct("CurrentUserView", 5)?;
        s.serialize_field("is_authenticated", &self.is_authenticated())?;
        s.serialize_field("is_anonymous", &self.is_anonymous())?;
        s.serialize_field("id", &self.id)?;
        s.serialize_field("loaded_from", &loaded_from)?;
        s.serialize_field("user", &self.user)?;
        s.end()
    }
}

#[cfg(all(test, feature = "serde"))]
mod tests {
    use super::*;

    struct Member {
        id: u32,
    }

    impl UserMixin for Member {
        type Id = u32;
        fn get_id(&self) -> &u32 {
            &self.id
        }
    }

    impl serde::Serialize for Member {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.serialize_u32(self.id)
        }
    }

    #[test]
    fn a_view_serializes_its_state_id_source_and_user() {
        let member = Member { id: 7 };
        let view = CurrentUserView::new(Some(&member), Some(LoadedFrom::RememberCookie));
        assert_eq!(
            serde_json::to_value(&view).unwrap(),
            serde_json::json!({"is_authenticated": true, "is_anonymous": false, "id": "7",
                "loaded_from": "remember_cookie", "user": 7})
        );
        assert_eq!(
            serde_json::to_value(view.without_user()).unwrap()["user"],
            serde_json::Value::Null
        );
        let nobody = CurrentUserView::<Member>::new(None, None);
        assert_eq!(
            serde_json::to_value(&nobody).unwrap(),
            serde_json::json!({"is_authenticated": false, "is_anonymous": true, "id": null,
                "loaded_from": null, "user": null})
        );
    }
}
