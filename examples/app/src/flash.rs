//! Flashed messages, as Flask's `flash()` and `get_flashed_messages()`, through the
//! `actix-web-flash-messages` crate: a handler sends `FlashMessage::success(..)`, the next page
//! reads `IncomingFlashMessages` (see [`render::Page`](crate::render::Page)), and the library's
//! own login and refresh messages arrive the same way (`LoginManagerBuilder::flash_messages`).
//! The messages travel in the `flash` cookie, signed with a key of their own.
//!
//! This module builds the framework and keeps the two things the crate does not do:
//! [`tidy_cookie`] leaves the cookie's `Secure` flag to the app's `secure_cookies` setting (the
//! crate always sets it, and a browser drops a `Secure` cookie over plain `http://` on any host
//! but the loopback one), and sends no removal cookie to a client that had no flash cookie (the
//! crate deletes it on every response, so every API answer would set a cookie).
//!
//! Keep flashed texts short and free of unbounded user input: the crate's middleware panics
//! when one response's messages exceed its cookie limit (2048 bytes). The app's longest message
//! holds a username, at most 32 characters.

use actix_web::body::MessageBody;
use actix_web::cookie::{Cookie, Key};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::web;
use actix_web_flash_messages::FlashMessagesFramework;
use actix_web_flash_messages::storage::CookieMessageStore;

/// The cookie carrying the messages.
pub const COOKIE: &str = "flash";

/// The cookie settings [`tidy_cookie`] reads, shared by every worker as app data.
#[derive(Clone, Copy, Debug)]
pub struct FlashCookie {
    /// Whether the cookie keeps its `Secure` flag (`Config::secure_cookies`).
    pub secure: bool,
}

/// The flash framework, signing its cookie with `key` (wrap it outside the `LoginManager`).
pub fn framework(key: [u8; 64]) -> FlashMessagesFramework {
    let store = CookieMessageStore::builder(Key::from(&key))
        .cookie_name(COOKIE.to_owned())
        .build();
    FlashMessagesFramework::builder(store).build()
}

/// Middleware (`App::wrap(from_fn(flash::tidy_cookie))`, outside the flash framework): fixes
/// the framework's `flash` cookie as the module documentation says.
pub async fn tidy_cookie(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let secure = req.app_data::<web::Data<FlashCookie>>().is_none_or(|c| c.secure);
    let had_cookie = req.cookie(COOKIE).is_some();
    let mut res = next.call(req).await?;
    let headers = res.headers_mut();
    let cookies: Vec<HeaderValue> = headers.get_all(header::SET_COOKIE).cloned().collect();
    headers.remove(header::SET_COOKIE);
    for value in cookies {
        let flash = value
            .to_str()
            .ok()
            .and_then(|v| Cookie::parse(v.to_owned()).ok())
            .filter(|c| c.name() == COOKIE);
        let Some(mut cookie) = flash else {
            headers.append(header::SET_COOKIE, value);
            continue;
        };
        if cookie.value().is_empty() && !had_cookie {
            continue;
        }
        cookie.set_secure(secure.then_some(true));
        match HeaderValue::from_str(&cookie.to_string()) {
            Ok(fixed) => headers.append(header::SET_COOKIE, fixed),
            Err(_) => headers.append(header::SET_COOKIE, value),
        }
    }
    Ok(res)
}
