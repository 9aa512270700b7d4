//! The answers: a redirect to the login or refresh view with `next`, a JSON 401 with
//! `WWW-Authenticate`, a plain 401, the application's own handler, and the 503 of a session
//! store outage.

use std::cell::RefCell;
use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpMessage, HttpRequest, HttpResponse};

use crate::config::Config;
use crate::error::{StoreError, plain};
use crate::guard::{Flavour, RouteOptions};
use crate::messages::{LoginMessage, localized};
use crate::middleware::scope::{ScopeRules, ScopeView};
use crate::redirect::{MAX_NEXT_LEN, login_url, make_next_param};
use crate::refusal::{Refusal, RefusalContext};
use crate::user::UserMixin;

/// The flavour that applies: the route's, else the scope's, else the manager's default.
fn flavour<U: UserMixin>(config: &Config<U>, opts: &RouteOptions, scope: Option<&ScopeRules>) -> Flavour {
    match (opts.flavour, scope.map(|s| s.flavour)) {
        (Flavour::Inherit, Some(f)) if f != Flavour::Inherit => f,
        (Flavour::Inherit, _) if config.answers.json_by_default => Flavour::Json,
        (f, _) => f,
    }
}

/// The scope rules of the request, if it is inside a [`LoginScope`](crate::LoginScope).
fn scope_rules(req: &HttpRequest) -> Option<Arc<ScopeRules>> {
    req.extensions().get::<Arc<ScopeRules>>().cloned()
}

/// The view a refusal redirects to: the route's, else the scope's, else the manager's; `None`
/// when there is none or the scope's failed its check.
fn view<U: UserMixin>(
    config: &Config<U>,
    refusal: Refusal,
    opts: &RouteOptions,
    scope: Option<&ScopeRules>,
) -> Option<String> {
    let (route, scoped, manager) = match refusal {
        Refusal::Unauthorized => (
            opts.login_view,
            scope.map(|s| &s.login_view),
            &config.redirects.login_view,
        ),
        Refusal::NeedsRefresh => (
            opts.refresh_view,
            scope.map(|s| &s.refresh_view),
            &config.redirects.refresh_view,
        ),
        // A logged-in user without the permission is never sent to the login view: logging
        // in again would not help, and the login view would send them back (a loop).
        Refusal::Forbidden => return None,
    };
    if let Some(view) = route {
        return Some(view.to_owned());
    }
    match scoped {
        Some(ScopeView::View(view)) => Some(view.clone()),
        Some(ScopeView::Invalid) => None,
        Some(ScopeView::Inherit) | None => manager.clone(),
    }
}

/// The refusal answer as an actix error carrying the response. `keep_next` stores the `next`
/// target in the session when the manager keeps it there (`use_session_for_next`).
pub(crate) fn refuse<U: UserMixin>(
    config: &Config<U>,
    req: &HttpRequest,
    refusal: Refusal,
    opts: &RouteOptions,
    keep_next: impl FnOnce(String),
) -> actix_web::Error {
    let response = answer(config, req, refusal, opts, keep_next);
    actix_web::error::InternalError::from_response(refusal.name(), response).into()
}

fn answer<U: UserMixin>(
    config: &Config<U>,
    req: &HttpRequest,
    refusal: Refusal,
    opts: &RouteOptions,
    keep_next: impl FnOnce(String),
) -> HttpResponse {
    if let Some(event) = refusal.event() {
        config.emit(req, event);
    }
    let handler = match refusal {
        Refusal::Unauthorized => &config.answers.unauthorized,
        Refusal::NeedsRefresh => &config.answers.needs_refresh,
        Refusal::Forbidden => &config.answers.forbidden,
    };
    let decided = default_answer(config, req, refusal, opts, keep_next);
    match handler {
        Some(handler) => handler(req, &decided),
        None => decided.default_answer(),
    }
}

/// The library's own answer, and what went into it, for a custom handler to use or adjust.
fn default_answer<U: UserMixin>(
    config: &Config<U>,
    req: &HttpRequest,
    refusal: Refusal,
    opts: &RouteOptions,
    keep_next: impl FnOnce(String),
) -> RefusalContext {
    let scope = scope_rules(req);
    let configured = match refusal {
        Refusal::Unauthorized => &config.messages.login,
        Refusal::NeedsRefresh => &config.messages.refresh,
        Refusal::Forbidden => &None,
    };
    let message = match (configured, refusal.message_kind()) {
        (Some((text, category)), Some(kind)) => Some(LoginMessage::new(
            kind,
            localized(&config.messages.localize, text).into_owned(),
            category.clone(),
        )),
        _ => None,
    };
    let flavour = match flavour(config, opts, scope.as_deref()) {
        Flavour::Json => Flavour::Json,
        _ => Flavour::Html,
    };
    let decided =
        |location: Option<String>, message: Option<LoginMessage>, response: HttpResponse| RefusalContext {
            refusal,
            flavour,
            location,
            message,
            default: RefCell::new(Some(response)),
        };
    if flavour == Flavour::Json {
        let (error, default_message) = refusal.json_error();
        let text = configured.as_ref().map_or(default_message, |m| m.0.as_str());
        let mut response = json(refusal.status(), error, text);
        if refusal.status() == StatusCode::UNAUTHORIZED
            && let Ok(value) = HeaderValue::from_str(&config.answers.www_authenticate)
        {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, value);
        }
        return decided(None, message, response);
    }
    let Some(view) = view(config, refusal, opts, scope.as_deref()) else {
        return decided(None, message, plain(refusal.status(), refusal.plain_text()));
    };
    let current = current_url(req);
    let location = if config.redirects.use_session_for_next {
        let next = make_next_param(&view, &current);
        // A `next` longer than `safe_next` accepts would only bloat the cookie past the
        // browser's limit (and ours), which would end the login it is stored with.
        if next.len() <= MAX_NEXT_LEN {
            keep_next(next);
        }
        login_url(&view, None, &config.redirects.next_field, None)
    } else {
        login_url(
            &view,
            Some(&current),
            &config.redirects.next_field,
            config.redirects.force_host.as_deref(),
        )
    };
    let Ok(header_value) = HeaderValue::from_str(&location) else {
        // Every view is checked before it gets here (the manager's and the macros' at build
        // time, a scope's when the scope is made); should one still not fit in a header,
        // refuse plainly instead of a 500.
        tracing::error!(target: "login_runtime", view = %view, "the login view is not a valid URL; answering 401");
        return decided(
            None,
            message,
            plain(StatusCode::UNAUTHORIZED, Refusal::Unauthorized.plain_text()),
        );
    };
    let mut response = HttpResponse::Found()
        .insert_header((header::LOCATION, header_value))
        .finish();
    if let Some(message) = &message {
        for hook in &config.messages.hooks {
            hook(req, message, &mut response);
        }
    }
    decided(Some(location), message, response)
}

/// The answer to a request that needs the login state while the session store fails: the
/// application's handler, else 503 with `Retry-After` (JSON in JSON routes and scopes). Never
/// an anonymous answer: an outage must not look like a logout.
pub(crate) fn store_unavailable<U: UserMixin>(
    config: &Config<U>,
    req: &HttpRequest,
    opts: &RouteOptions,
    err: &StoreError,
) -> actix_web::Error {
    tracing::error!(target: "login_runtime", error = %err, path = req.path(), "the session store failed; answering 503");
    let response = match &config.answers.store_unavailable {
        Some(handler) => handler(req, err),
        None if flavour(config, opts, scope_rules(req).as_deref()) == Flavour::Json => {
            let mut res = json(
                StatusCode::SERVICE_UNAVAILABLE,
                "store_unavailable",
                "Logins cannot be checked right now; try again in a moment.",
            );
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            res
        }
        None => actix_web::ResponseError::error_response(err),
    };
    actix_web::error::InternalError::from_response("session store unavailable", response).into()
}

/// `{"error": .., "message": ..}` with `status`.
fn json(status: StatusCode, error: &str, message: &str) -> HttpResponse {
    let body = format!(
        "{{\"error\":\"{error}\",\"message\":\"{}\"}}",
        json_escape(message)
    );
    HttpResponse::build(status)
        .content_type("application/json")
        .body(body)
}

fn json_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// `scheme://host/path?query` of the request, as the client addressed it.
fn current_url(req: &HttpRequest) -> String {
    let info = req.connection_info();
    let path = req.uri().path_and_query().map_or("/", |pq| pq.as_str());
    format!("{}://{}{}", info.scheme(), info.host(), path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_messages_escape_quotes_backslashes_and_control_characters() {
        assert_eq!(json_escape("a\"b\\c\n"), "a\\\"b\\\\c\\u000a");
    }
}
