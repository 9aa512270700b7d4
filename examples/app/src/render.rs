//! Templates: the minijinja environment (templates compiled into the binary from `templates/`)
//! and [`Page`], the extractor every HTML handler renders with. It fills what the base template
//! needs on every page: the current user (and whether they are an administrator, for the
//! "Admin" link), the CSRF token and the flashed messages.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use actix_web_flash_messages::IncomingFlashMessages;
use login_runtime::{MaybeUser, permissions_of};
use minijinja::value::{Serde, Value};
use minijinja::{Environment, context};

use crate::csrf::CsrfToken;
use crate::db::User;
use crate::permissions::Perm;

/// Every template, by name. `.html` names are auto-escaped.
const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("index.html", include_str!("../templates/index.html")),
    ("register.html", include_str!("../templates/register.html")),
    ("login.html", include_str!("../templates/login.html")),
    ("profile.html", include_str!("../templates/profile.html")),
    ("reauth.html", include_str!("../templates/reauth.html")),
    ("settings.html", include_str!("../templates/settings.html")),
    ("sessions.html", include_str!("../templates/sessions.html")),
    ("not_found.html", include_str!("../templates/not_found.html")),
    ("admin.html", include_str!("../templates/admin.html")),
    ("forbidden.html", include_str!("../templates/forbidden.html")),
];

/// The compiled templates, shared by every worker as app data.
pub struct Templates {
    env: Environment<'static>,
}

impl Templates {
    /// Compiles every template; an error names the template and the line.
    pub fn new() -> Result<Templates, minijinja::Error> {
        let mut env = Environment::new();
        for (name, source) in TEMPLATES {
            env.add_template(name, source)?;
        }
        Ok(Templates { env })
    }

    fn render(&self, name: &str, ctx: Value) -> Result<String, minijinja::Error> {
        self.env.get_template(name)?.render(ctx)
    }
}

impl std::fmt::Debug for Templates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Templates").finish_non_exhaustive()
    }
}

/// What every page needs; take it as a handler argument and finish with [`Page::render`].
pub struct Page {
    templates: web::Data<Templates>,
    user: Option<User>,
    /// The library's `CurrentUserView` (without the user: the app's `User` holds its password
    /// hash and is not `Serialize`), as every template's `current_user`.
    current_user: Value,
    is_admin: bool,
    csrf: CsrfToken,
    /// The flashed messages to show, as the templates' `messages`.
    messages: Vec<Value>,
    status: StatusCode,
}

impl Page {
    /// The page of an answer given outside a handler, where nothing can be awaited (the
    /// `forbidden_handler`): `user` is the header's user, and the header shows no "Admin" link.
    pub fn for_refusal(req: &HttpRequest, user: Option<User>) -> Result<Page, actix_web::Error> {
        let templates = req.app_data::<web::Data<Templates>>().cloned().ok_or_else(|| {
            actix_web::error::ErrorInternalServerError("Page needs `app_data(Data<Templates>)`")
        })?;
        // Nothing can be awaited here, so the view is built from the user it is given: the
        // same members as `CurrentUserView`, with an unknown `loaded_from`.
        let current_user = context! {
            is_authenticated => user.is_some(),
            is_anonymous => user.is_none(),
            id => user.as_ref().map(|u| u.id.to_string()),
            loaded_from => (),
            user => (),
        };
        Ok(Page {
            templates,
            user,
            current_user,
            is_admin: false,
            // The CSRF extractor is ready at once (`std::future::Ready`), and so are the
            // flashed messages.
            csrf: CsrfToken::from_request(req, &mut Payload::None).into_inner()?,
            messages: incoming_messages(req),
            status: StatusCode::OK,
        })
    }

    /// The logged-in user, if any.
    pub fn user(&self) -> Option<&User> {
        self.user.as_ref()
    }

    /// The logged-in user, to update what the page shows after a change.
    pub fn user_mut(&mut self) -> Option<&mut User> {
        self.user.as_mut()
    }

    /// The CSRF token of this browser, to verify a submitted form.
    pub fn csrf(&self) -> &CsrfToken {
        &self.csrf
    }

    /// Answers with `status` instead of 200 (a form with errors is 422, for example).
    pub fn status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    /// Renders template `name` with `ctx` plus `current_user`, `user`, `csrf_token` and
    /// `messages`.
    pub fn render(self, name: &str, ctx: Value) -> HttpResponse {
        let is_admin = self.is_admin;
        let user = self.user.as_ref().map(|u| {
            context! {
                id => u.id,
                username => u.username.clone(),
                has_api_token => u.has_api_token,
                is_admin,
            }
        });
        let full = context! {
            current_user => self.current_user.clone(),
            user => user,
            csrf_token => self.csrf.value(),
            messages => self.messages,
            ..ctx
        };
        match self.templates.render(name, full) {
            Ok(body) => HttpResponse::build(self.status)
                .content_type("text/html; charset=utf-8")
                .body(body),
            Err(err) => {
                tracing::error!(template = name, error = %err, "rendering failed");
                HttpResponse::InternalServerError()
                    .content_type("text/plain; charset=utf-8")
                    .body("500 Internal Server Error: the page could not be rendered")
            }
        }
    }
}

impl FromRequest for Page {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Page, actix_web::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let templates = web::Data::<Templates>::from_request(req, payload);
        let csrf = CsrfToken::from_request(req, payload);
        let messages = incoming_messages(req);
        let user = MaybeUser::<User>::from_request(req, payload);
        let req = req.clone();
        Box::pin(async move {
            let user = user.await?;
            let current_user = Value::from(Serde(user.view().without_user()));
            let user = user.into_inner();
            let is_admin = match &user {
                Some(user) => is_admin(user, &req).await,
                None => false,
            };
            Ok(Page {
                templates: templates.await?,
                user: user.map(|u| User::clone(&u)),
                current_user,
                is_admin,
                csrf: csrf.await?,
                messages,
                status: StatusCode::OK,
            })
        })
    }
}

/// The flashed messages this request brought, each as `level` (the CSS class: `success`,
/// `info`, `error`, ...) and `text`. A flash cookie that is not ours (a changed secret key, or
/// tampering) shows no messages instead of the crate's 400 page; the flash framework deletes
/// it with this response.
fn incoming_messages(req: &HttpRequest) -> Vec<Value> {
    match IncomingFlashMessages::from_request(req, &mut Payload::None).into_inner() {
        Ok(incoming) => incoming
            .iter()
            .map(|m| context! { level => m.level().to_string(), text => m.content() })
            .collect(),
        Err(err) => {
            tracing::debug!(error = %err, "unreadable flash cookie ignored");
            Vec::new()
        }
    }
}

/// Whether the logged-in `user` holds [`Perm::Admin`], for the header's "Admin" link. The
/// permissions are loaded once per request: on `/admin`, the route's guard has loaded them
/// already. A failed load only hides the link (the admin page's own guard would fail).
async fn is_admin(user: &Rc<User>, req: &HttpRequest) -> bool {
    match permissions_of(user, req).await {
        Ok(perms) => perms.contains(&Perm::Admin),
        Err(err) => {
            tracing::warn!(user = user.id, error = %err, "could not load the permissions");
            false
        }
    }
}
