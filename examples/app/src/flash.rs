//! Flashed messages, as Flask's `flash()` and `get_flashed_messages()`: a handler adds a
//! message, the next page shows it once.
//!
//! The messages travel in the `flash` cookie, signed with HMAC so nobody else can put words on
//! the app's pages. The middleware reads the cookie before the handler and writes (or deletes)
//! it after; handlers use the [`Flash`] extractor.

use std::cell::RefCell;
use std::future::{Ready, ready};
use std::rc::Rc;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// The cookie carrying the messages.
pub const COOKIE: &str = "flash";

/// At most this many messages are kept; older ones are dropped.
const MAX_MESSAGES: usize = 8;
/// Messages longer than this many characters are cut.
const MAX_CHARS: usize = 300;

/// How a message looks on the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Something worked.
    Success,
    /// Something to know.
    Info,
    /// Something went wrong.
    Error,
}

impl Level {
    /// The name the templates use as a CSS class.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Success => "success",
            Level::Info => "info",
            Level::Error => "error",
        }
    }

    /// The level for a `login-runtime` message category (`error` and `success` are kept,
    /// anything else is `info`).
    pub fn from_category(category: &str) -> Level {
        match category {
            "error" => Level::Error,
            "success" => Level::Success,
            _ => Level::Info,
        }
    }
}

/// One flashed message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// How it looks.
    pub level: Level,
    /// What it says (plain text; the templates escape it).
    pub text: String,
}

/// The key and cookie settings, shared by every worker as app data.
#[derive(Clone)]
pub struct FlashConfig {
    key: [u8; 32],
    secure: bool,
}

impl FlashConfig {
    /// A configuration signing with `key`; `secure` sets the cookie's `Secure` flag.
    pub fn new(key: [u8; 32], secure: bool) -> Self {
        FlashConfig { key, secure }
    }

    fn mac(&self, payload: &[u8]) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key)
            .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
        mac.update(b"flash\0");
        mac.update(payload);
        mac
    }

    fn seal(&self, messages: &[Message]) -> Option<String> {
        let payload = serde_json::to_vec(messages).ok()?;
        let tag = self.mac(&payload).finalize().into_bytes();
        Some(format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(&payload),
            URL_SAFE_NO_PAD.encode(tag)
        ))
    }

    fn open(&self, value: &str) -> Option<Vec<Message>> {
        let (payload, tag) = value.split_once('.')?;
        let payload = URL_SAFE_NO_PAD.decode(payload).ok()?;
        let tag = URL_SAFE_NO_PAD.decode(tag).ok()?;
        self.mac(&payload).verify_slice(&tag).ok()?;
        serde_json::from_slice(&payload).ok()
    }
}

#[derive(Default)]
struct State {
    incoming: Vec<Message>,
    consumed: bool,
    outgoing: Vec<Message>,
}

/// The per-request flash state the middleware puts into the request extensions.
#[derive(Clone, Default)]
struct Slot(Rc<RefCell<State>>);

/// Adds a message to the response of the request `req` (for hooks that only have the request,
/// such as `LoginManagerBuilder::on_message`).
pub fn push(req: &HttpRequest, level: Level, text: impl Into<String>) {
    if let Some(slot) = req.extensions().get::<Slot>() {
        add(&mut slot.0.borrow_mut().outgoing, level, text.into());
    }
}

fn add(list: &mut Vec<Message>, level: Level, text: String) {
    let text = text.chars().take(MAX_CHARS).collect();
    list.push(Message { level, text });
    if list.len() > MAX_MESSAGES {
        list.remove(0);
    }
}

/// Middleware (`App::wrap(from_fn(flash::middleware))`): reads the `flash` cookie before the
/// handler, and after it writes the new messages or deletes the ones that were shown.
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let config = req.app_data::<web::Data<FlashConfig>>().cloned();
    let had_cookie = req.cookie(COOKIE).is_some();
    let incoming = match (&config, req.cookie(COOKIE)) {
        (Some(config), Some(cookie)) => config.open(cookie.value()).unwrap_or_default(),
        _ => Vec::new(),
    };
    let slot = Slot::default();
    slot.0.borrow_mut().incoming = incoming;
    req.extensions_mut().insert(slot.clone());
    // Handler errors, guard refusals included, arrive here as responses. (Do not keep a clone of
    // the `HttpRequest` across this call: actix's router needs the only reference.)
    let mut res = next.call(req).await?.map_into_boxed_body();
    let Some(config) = config else {
        return Ok(res);
    };
    let state = slot.0.borrow();
    let mut keep: Vec<Message> = if state.consumed {
        Vec::new()
    } else {
        state.incoming.clone()
    };
    for m in &state.outgoing {
        add(&mut keep, m.level, m.text.clone());
    }
    let changed = !state.outgoing.is_empty() || (state.consumed && !state.incoming.is_empty());
    let stale = had_cookie && state.incoming.is_empty();
    let cookie = |value: String| {
        Cookie::build(COOKIE, value)
            .path("/")
            .http_only(true)
            .secure(config.secure)
            .same_site(SameSite::Lax)
            .finish()
    };
    if changed && !keep.is_empty() {
        if let Some(value) = config.seal(&keep) {
            res.response_mut()
                .add_cookie(&cookie(value))
                .map_err(actix_web::error::ErrorInternalServerError)?;
        }
    } else if changed || stale {
        // Shown, or unreadable: delete it.
        let mut removal = cookie(String::new());
        removal.make_removal();
        res.response_mut()
            .add_cookie(&removal)
            .map_err(actix_web::error::ErrorInternalServerError)?;
    }
    Ok(res)
}

/// Flash messages of this request: add with [`success`](Flash::success), [`info`](Flash::info)
/// and [`error`](Flash::error); take the ones to show with [`take`](Flash::take).
pub struct Flash(Slot);

impl Flash {
    /// Adds a message of `level`.
    pub fn push(&self, level: Level, text: impl Into<String>) {
        add(&mut self.0.0.borrow_mut().outgoing, level, text.into());
    }
    /// Adds a success message.
    pub fn success(&self, text: impl Into<String>) {
        self.push(Level::Success, text);
    }
    /// Adds an informational message.
    pub fn info(&self, text: impl Into<String>) {
        self.push(Level::Info, text);
    }
    /// Adds an error message.
    pub fn error(&self, text: impl Into<String>) {
        self.push(Level::Error, text);
    }
    /// The messages to show on this page; they will not be shown again.
    pub fn take(&self) -> Vec<Message> {
        let mut state = self.0.0.borrow_mut();
        state.consumed = true;
        state.incoming.clone()
    }
}

impl FromRequest for Flash {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, actix_web::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(match req.extensions().get::<Slot>() {
            Some(slot) => Ok(Flash(slot.clone())),
            None => Err(actix_web::error::ErrorInternalServerError(
                "Flash needs `wrap(from_fn(flash::middleware))`",
            )),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_messages_open_only_with_the_same_key_and_unchanged() {
        let config = FlashConfig::new([3; 32], true);
        let messages = vec![Message {
            level: Level::Success,
            text: "Saved <b>".into(),
        }];
        let sealed = config.seal(&messages).expect("serializable");
        assert_eq!(config.open(&sealed), Some(messages));
        assert_eq!(FlashConfig::new([4; 32], true).open(&sealed), None);
        let (payload, tag) = sealed.split_once('.').expect("two parts");
        let forged = format!(
            "{}.{tag}",
            URL_SAFE_NO_PAD.encode(br#"[{"level":"error","text":"hi"}]"#)
        );
        assert_ne!(forged, sealed);
        assert_eq!(config.open(&forged), None);
        assert_eq!(config.open(payload), None);
    }

    #[test]
    fn old_messages_are_dropped_and_long_ones_cut() {
        let mut list = Vec::new();
        for i in 0..20 {
            add(&mut list, Level::Info, format!("{i}"));
        }
        assert_eq!(list.len(), MAX_MESSAGES);
        assert_eq!(list[0].text, "12");
        add(&mut list, Level::Info, "x".repeat(1000));
        assert_eq!(list.last().map(|m| m.text.len()), Some(MAX_CHARS));
    }
}
