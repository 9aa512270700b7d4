//! CSRF protection for the HTML forms: a signed double-submit token.
//!
//! Each browser gets a random seed in the `csrf` cookie (HttpOnly, SameSite=Lax, for the browser
//! session). Forms carry `csrf_token = HMAC(key, seed)` in a hidden field, and every `POST`
//! handler calls [`CsrfToken::verify`] before it does anything. Another site can make the browser
//! send the cookie, but it can neither read the cookie nor compute the HMAC without the server's
//! key, so it cannot forge the field. A missing or wrong token gets a 403 page.

use std::future::{Ready, ready};

use actix_web::body::MessageBody;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, ResponseError};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// The cookie holding the seed.
pub const COOKIE: &str = "csrf";
/// The form field holding the token.
pub const FIELD: &str = "csrf_token";

const SEED_LEN: usize = 32;

/// The CSRF key and cookie settings, shared by every worker as app data.
#[derive(Clone)]
pub struct CsrfConfig {
    key: [u8; 32],
    secure: bool,
}

impl CsrfConfig {
    /// A configuration signing with `key`; `secure` sets the cookie's `Secure` flag.
    pub fn new(key: [u8; 32], secure: bool) -> Self {
        CsrfConfig { key, secure }
    }

    fn token_for(&self, seed: &[u8]) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key)
            .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
        mac.update(b"csrf-token\0");
        mac.update(seed);
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    }
}

/// The seed of this request: from the cookie, or new (then the middleware sets the cookie if a
/// token was put in a page, so JSON and health-check answers carry no cookie).
#[derive(Clone)]
struct Seed {
    bytes: [u8; SEED_LEN],
    from_cookie: bool,
    /// Whether a token derived from this seed went into the response.
    used: std::rc::Rc<std::cell::Cell<bool>>,
}

fn read_seed(req: &HttpRequest) -> Option<[u8; SEED_LEN]> {
    let cookie = req.cookie(COOKIE)?;
    URL_SAFE_NO_PAD.decode(cookie.value()).ok()?.try_into().ok()
}

/// Middleware (`App::wrap(from_fn(csrf::middleware))`): makes sure every browser that is shown
/// a form has a seed.
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let seed = match read_seed(req.request()) {
        Some(bytes) => Seed {
            bytes,
            from_cookie: true,
            used: std::rc::Rc::default(),
        },
        None => {
            let mut bytes = [0u8; SEED_LEN];
            getrandom::fill(&mut bytes)
                .map_err(|e| actix_web::error::ErrorInternalServerError(e.to_string()))?;
            Seed {
                bytes,
                from_cookie: false,
                used: std::rc::Rc::default(),
            }
        }
    };
    let secure = req
        .app_data::<actix_web::web::Data<CsrfConfig>>()
        .is_none_or(|c| c.secure);
    req.extensions_mut().insert(seed.clone());
    let mut res = next.call(req).await?;
    if !seed.from_cookie && seed.used.get() {
        let cookie = Cookie::build(COOKIE, URL_SAFE_NO_PAD.encode(seed.bytes))
            .path("/")
            .http_only(true)
            .secure(secure)
            .same_site(SameSite::Lax)
            .finish();
        res.response_mut()
            .add_cookie(&cookie)
            .map_err(actix_web::error::ErrorInternalServerError)?;
    }
    Ok(res)
}

/// The CSRF token of this browser: put [`CsrfToken::value`] in every form, and call
/// [`CsrfToken::verify`] with the submitted field in every `POST` handler.
pub struct CsrfToken {
    config: actix_web::web::Data<CsrfConfig>,
    seed: Seed,
}

impl CsrfToken {
    /// The token for the hidden `csrf_token` field.
    pub fn value(&self) -> String {
        self.seed.used.set(true);
        self.config.token_for(&self.seed.bytes)
    }

    /// Checks a submitted token: it must match this browser's cookie.
    pub fn verify(&self, submitted: &str) -> Result<(), CsrfError> {
        if !self.seed.from_cookie {
            // No cookie came with the request: no form of ours was loaded in this browser.
            return Err(CsrfError::MissingCookie);
        }
        if submitted.is_empty() {
            return Err(CsrfError::MissingToken);
        }
        let expected = self.config.token_for(&self.seed.bytes);
        if bool::from(expected.as_bytes().ct_eq(submitted.as_bytes())) {
            Ok(())
        } else {
            Err(CsrfError::WrongToken)
        }
    }
}

impl FromRequest for CsrfToken {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, actix_web::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let config = req.app_data::<actix_web::web::Data<CsrfConfig>>().cloned();
        let seed = req.extensions().get::<Seed>().cloned();
        ready(match (config, seed) {
            (Some(config), Some(seed)) => Ok(CsrfToken { config, seed }),
            _ => Err(actix_web::error::ErrorInternalServerError(
                "CsrfToken needs `app_data(Data<CsrfConfig>)` and `wrap(from_fn(csrf::middleware))`",
            )),
        })
    }
}

/// Why a form was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsrfError {
    /// The browser sent no `csrf` cookie.
    MissingCookie,
    /// The form had no `csrf_token` field.
    MissingToken,
    /// The field does not match the cookie.
    WrongToken,
}

impl std::fmt::Display for CsrfError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            CsrfError::MissingCookie => "the CSRF cookie is missing",
            CsrfError::MissingToken => "the form has no CSRF token",
            CsrfError::WrongToken => "the form's CSRF token does not match",
        })
    }
}

impl ResponseError for CsrfError {
    fn status_code(&self) -> StatusCode {
        StatusCode::FORBIDDEN
    }

    fn error_response(&self) -> HttpResponse {
        tracing::warn!(reason = %self, "form refused by the CSRF check");
        HttpResponse::Forbidden()
            .content_type("text/html; charset=utf-8")
            .body(
                "<!doctype html><html><head><meta charset=\"utf-8\"><title>Form expired</title></head>\
                 <body style=\"font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto\">\
                 <h1>This form has expired</h1>\
                 <p>The form was not sent from this site, or it was loaded before your browser's \
                 security cookie was set. Go back, reload the page and try again.</p>\
                 <p><a href=\"/\">Home</a></p></body></html>",
            )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_depends_on_the_key_and_the_seed() {
        let a = CsrfConfig::new([1; 32], true);
        let b = CsrfConfig::new([2; 32], true);
        assert_eq!(a.token_for(&[7; 32]), a.token_for(&[7; 32]));
        assert_ne!(a.token_for(&[7; 32]), a.token_for(&[8; 32]));
        assert_ne!(a.token_for(&[7; 32]), b.token_for(&[7; 32]));
    }
}
