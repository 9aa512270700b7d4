//! The `flash` feature: the login and refresh messages as `actix-web-flash-messages` flashes.

use std::sync::Arc;

use actix_web::{HttpMessage, HttpRequest};
use actix_web_flash_messages::storage::FlashMessageStore;
use actix_web_flash_messages::{FlashMessage, Level};

use crate::config::LoginManagerBuilder;
use crate::loader::UserLoader;
use crate::messages::LoginMessage;

impl<U: UserLoader> LoginManagerBuilder<U> {
    /// Sends the login and refresh messages ([`login_message`](Self::login_message),
    /// [`refresh_message`](Self::refresh_message)) as `actix-web-flash-messages` flashes, the
    /// way Flask-Login flashes them. The category picks the level: `debug` → `Debug`,
    /// `info` and `message` (Flask's default) → `Info`, `success` → `Success`, `warning` →
    /// `Warning`, `error` and `danger` (Bootstrap's name) → `Error`, anything else → `Info`.
    ///
    /// Wrap the app in the `FlashMessagesFramework` *outside* the `LoginManager`
    /// (`.wrap(manager).wrap(flash)`: the last `wrap` runs first). Without it around a request,
    /// nothing is flashed and a warning is logged, rather than the crate's panic.
    ///
    /// ```
    /// use actix_web::{App, cookie::Key, test, web};
    /// use actix_web_flash_messages::{FlashMessagesFramework, IncomingFlashMessages, Level};
    /// use actix_web_flash_messages::storage::CookieMessageStore;
    /// use login_runtime::{CurrentUser, LoginManager, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { None }
    ///
    /// async fn login_page(messages: IncomingFlashMessages) -> String {
    ///     messages.iter().map(|m| format!("{}: {}", m.level(), m.content())).collect()
    /// }
    ///
    /// # actix_web::rt::System::new().block_on(async {
    /// let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
    ///     .login_view("/login")
    ///     .login_message(Some("Sign in to see this page."), "warning")
    ///     .flash_messages()
    ///     .build()?;
    /// let flash = FlashMessagesFramework::builder(CookieMessageStore::builder(Key::generate()).build()).build();
    /// let app = test::init_service(
    ///     App::new()
    ///         .wrap(manager)
    ///         .wrap(flash)
    ///         .route("/login", web::get().to(login_page))
    ///         .route("/settings", web::get().to(|u: CurrentUser<User>| async move { u.id.clone() })),
    /// )
    /// .await;
    /// let refused = test::call_service(&app, test::TestRequest::get().uri("/settings").to_request()).await;
    /// let flashes: Vec<_> = refused.response().cookies().map(|c| c.into_owned()).collect();
    /// let mut login = test::TestRequest::get().uri("/login");
    /// for cookie in flashes {
    ///     login = login.cookie(cookie);
    /// }
    /// let page = test::call_and_read_body(&app, login.to_request()).await;
    /// assert_eq!(page, "warning: Sign in to see this page.");
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// # })?;
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// ```
    pub fn flash_messages(self) -> Self {
        self.on_message(|req, message, _response| flash(req, message))
    }
}

/// Flashes `message` if the flash framework wraps this request.
fn flash(req: &HttpRequest, message: &LoginMessage) {
    // The framework puts its store into every request it wraps, and sending outside it panics.
    if req.extensions().get::<Arc<dyn FlashMessageStore>>().is_none() {
        tracing::warn!(
            target: "login_runtime",
            "flash_messages() is on but no FlashMessagesFramework wraps this request, so the message is not flashed: add `.wrap(flash_framework)` after `.wrap(login_manager)`"
        );
        return;
    }
    FlashMessage::new(message.text.clone(), level_of(&message.category)).send();
}

/// The flash level of a Flask-Login message category.
fn level_of(category: &str) -> Level {
    match category.to_ascii_lowercase().as_str() {
        "debug" => Level::Debug,
        "success" => Level::Success,
        "warning" => Level::Warning,
        "error" | "danger" => Level::Error,
        _ => Level::Info,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_map_to_levels_and_unknown_ones_to_info() {
        let cases = [
            ("message", Level::Info),
            ("info", Level::Info),
            ("debug", Level::Debug),
            ("success", Level::Success),
            ("Warning", Level::Warning),
            ("danger", Level::Error),
            ("error", Level::Error),
            ("something-else", Level::Info),
        ];
        for (category, level) in cases {
            assert_eq!(level_of(category) as u8, level as u8, "{category}");
        }
    }
}
