//! What a changed context writes on the response: the session and remember cookies (set,
//! refreshed or deleted, with the same attributes either way) and `Vary: Cookie`. Nothing at
//! all when the request never read the login state. Store writes are not made here: they are
//! awaited where they are decided, so a failure is answered before the handler's answer.

use actix_web::HttpResponse;
use actix_web::cookie::Cookie;
use actix_web::cookie::time::{Duration as CookieDuration, OffsetDateTime};
use actix_web::http::header::{self, HeaderValue};

use crate::clock::now_secs;
use crate::config::CookieSettings;
use crate::context::{LoginContext, RememberOp, Source, State};
use crate::crypto::wire::MAX_COOKIE_LEN;
use crate::remember::RememberToken;
use crate::store::server::LoginRef;
use crate::store::state::SessionState;
use crate::user::UserMixin;

impl<U: UserMixin> LoginContext<U> {
    /// Writes the cookies that changed onto the response. Does nothing if the login state was
    /// never touched.
    pub(crate) fn finish(&self, res: &mut HttpResponse<impl Sized>) {
        let Some(incoming) = self.incoming.get() else {
            return;
        };
        let config = &*self.config;
        let state = self.state.borrow();
        // A user authenticated by the request itself (an API key, Basic) never gets a login
        // cookie: the client did not ask for a session. The clean-ups the load chain decided
        // (a stale session, a bad remember cookie) are still sent.
        let request_user = state.source == Source::Request;
        if let Some(value) = self.session_cookie_value(&state, request_user) {
            add_cookie(res, make_cookie(&config.cookies.session, value, None));
        } else if state.session_dirty
            && incoming.had_session_cookie
            && state.session.as_ref().is_none_or(SessionState::is_empty)
        {
            add_cookie(res, removal_cookie(&config.cookies.session));
        }
        match &state.remember {
            RememberOp::Set(_) | RememberOp::SetServer { .. } if request_user => {}
            RememberOp::Set(token) => {
                let max_age = token.expires_at.saturating_sub(now_secs());
                let value = config.keys.remember.seal(token);
                add_cookie(res, make_cookie(&config.cookies.remember, value, Some(max_age)));
            }
            RememberOp::SetServer {
                login_id,
                validator,
                expires_at,
            } => {
                let max_age = expires_at.saturating_sub(now_secs());
                let token = LoginRef {
                    login_id: *login_id,
                    secret: *validator,
                };
                let value = token.seal(&config.keys.remember_id);
                add_cookie(res, make_cookie(&config.cookies.remember, value, Some(max_age)));
            }
            RememberOp::Delete => add_cookie(res, removal_cookie(&config.cookies.remember)),
            RememberOp::Keep => {
                // Refresh only a cookie the client already has, for the user it names (#824).
                let logged_in_as = state.session.as_ref().and_then(|s| s.user_id.as_deref());
                if let (true, Some(token)) = (config.remember.refresh_each_request, &incoming.remember) {
                    let same_user = logged_in_as == Some(token.user_id.as_str());
                    if same_user && matches!(state.source, Source::Session | Source::Remember) {
                        let now = now_secs();
                        let lifetime = token.expires_at.saturating_sub(token.issued_at).max(1);
                        let renewed = RememberToken {
                            issued_at: now,
                            expires_at: now.saturating_add(lifetime),
                            ..token.clone()
                        };
                        let value = config.keys.remember.seal(&renewed);
                        add_cookie(res, make_cookie(&config.cookies.remember, value, Some(lifetime)));
                    }
                }
            }
        }
        // The answer depended on the cookies: shared caches must not serve it to someone else.
        let headers = res.headers_mut();
        let has_vary_cookie = headers.get_all(header::VARY).any(|v| {
            v.to_str()
                .is_ok_and(|v| v.to_ascii_lowercase().contains("cookie"))
        });
        if !has_vary_cookie {
            headers.append(header::VARY, HeaderValue::from_static("Cookie"));
        }
    }

    /// The new value of the session cookie, if it must be (re)written: with the cookie store
    /// the sealed state when it changed; with a server-side store the signed id when a new
    /// one was issued.
    fn session_cookie_value(&self, state: &State<U>, request_user: bool) -> Option<String> {
        if self.config.server.is_some() {
            let login = state.server.as_ref()?;
            let secret = login.new_secret?;
            if request_user {
                return None;
            }
            let id = LoginRef {
                login_id: login.login_id,
                secret,
            };
            return Some(id.seal(&self.config.keys.session_id));
        }
        if !state.session_dirty {
            return None;
        }
        let session = state.session.as_ref().filter(|s| !s.is_empty())?;
        if request_user && session.user_id.is_some() {
            return None;
        }
        Some(self.seal_session(session))
    }

    /// The session cookie's value. A value longer than browsers keep (and than we read back)
    /// would end the login it carries, so a `next` kept in the session is dropped first; if
    /// the login alone is still too long (a user id of kilobytes), that is logged.
    fn seal_session(&self, session: &SessionState) -> String {
        let codec = &self.config.keys.session;
        let value = codec.seal(session);
        if value.len() <= MAX_COOKIE_LEN {
            return value;
        }
        let value = match &session.next {
            Some(_) => codec.seal(&SessionState {
                next: None,
                ..session.clone()
            }),
            None => value,
        };
        if value.len() > MAX_COOKIE_LEN {
            tracing::error!(
                target: "login_runtime",
                bytes = value.len(),
                limit = MAX_COOKIE_LEN,
                "the session cookie is too long for browsers to keep, so this login will not last: use shorter user ids"
            );
        }
        value
    }
}

pub(crate) fn make_cookie(
    settings: &CookieSettings,
    value: String,
    max_age_secs: Option<u64>,
) -> Cookie<'static> {
    let mut cookie = Cookie::build(settings.name.clone(), value)
        .path(settings.path.clone())
        .secure(settings.secure)
        .http_only(settings.http_only)
        .same_site(settings.same_site)
        .finish();
    if let Some(domain) = &settings.domain {
        cookie.set_domain(domain.clone());
    }
    if let Some(secs) = max_age_secs {
        let secs = i64::try_from(secs).unwrap_or(i64::MAX / 2);
        cookie.set_max_age(CookieDuration::seconds(secs));
        if let Some(at) = OffsetDateTime::now_utc().checked_add(CookieDuration::seconds(secs)) {
            cookie.set_expires(at);
        }
    }
    cookie
}

/// A cookie that deletes `settings`' cookie: the same Path, Domain, Secure, HttpOnly and
/// SameSite as when it was set (Flask-Login #683), `Max-Age=0` and an `Expires` in the past.
fn removal_cookie(settings: &CookieSettings) -> Cookie<'static> {
    let mut cookie = make_cookie(settings, String::new(), None);
    cookie.set_max_age(CookieDuration::ZERO);
    cookie.set_expires(OffsetDateTime::UNIX_EPOCH);
    cookie
}

fn add_cookie(res: &mut HttpResponse<impl Sized>, cookie: Cookie<'static>) {
    if let Ok(value) = HeaderValue::from_str(&cookie.encoded().to_string()) {
        res.headers_mut().append(header::SET_COOKIE, value);
    }
}
