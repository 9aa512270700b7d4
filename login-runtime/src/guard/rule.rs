//! What a guarded route asks for: [`RouteOptions`], named by a [`RouteRule`] type.

/// How a refusal is answered.
///
/// ```
/// use login_runtime::guard::{Flavour, Guard, RouteOptions, RouteRule};
///
/// // What `#[login_required(json)]` writes:
/// enum ApiRule {}
/// impl RouteRule for ApiRule {
///     const OPTIONS: RouteOptions = RouteOptions::LOGIN_REQUIRED.flavour(Flavour::Json);
/// }
/// async fn api_orders(_: Guard<ApiRule>) -> &'static str {
///     "[]"
/// }
/// assert_eq!(Flavour::default(), Flavour::Inherit);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Flavour {
    /// As the scope or the manager says (a redirect to the login view, or 401).
    #[default]
    Inherit,
    /// A redirect to the login view (or a plain 401 without one).
    Html,
    /// A JSON 401 with `WWW-Authenticate`, never a redirect (for APIs).
    Json,
}

/// The options of one guarded route, as written in the macro's arguments.
///
/// ```
/// use login_runtime::guard::{Flavour, RouteOptions};
///
/// let billing = RouteOptions::FRESH_LOGIN_REQUIRED
///     .max_age_secs(600) // a password typed in the last ten minutes
///     .refresh_view("/billing/confirm");
/// assert!(billing.fresh);
/// assert_eq!(billing.flavour, Flavour::Inherit);
/// ```
/// Built from [`RouteOptions::LOGIN_REQUIRED`] or [`RouteOptions::FRESH_LOGIN_REQUIRED`]
/// with the `const fn` setters below, so that new options can be added without breaking
/// anyone's code.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RouteOptions {
    /// Whether the login must be fresh (`#[fresh_login_required]`).
    pub fresh: bool,
    /// With `fresh`: the login must have been proved within this many seconds.
    pub max_age_secs: Option<u64>,
    /// This route's login view, overriding the scope's and the manager's.
    pub login_view: Option<&'static str>,
    /// This route's refresh view.
    pub refresh_view: Option<&'static str>,
    /// Redirect or JSON.
    pub flavour: Flavour,
    /// The route is for anonymous visitors only (`#[anonymous_required]`): a logged-in user is
    /// redirected to [`RouteOptions::logged_in_view`], else to the manager's.
    pub anonymous_only: bool,
    /// With `anonymous_only`: where a logged-in user is sent instead.
    pub logged_in_view: Option<&'static str>,
}

impl RouteOptions {
    /// The options of a plain `#[login_required]`.
    ///
    /// ```
    /// use login_runtime::guard::RouteOptions;
    /// assert!(!RouteOptions::LOGIN_REQUIRED.fresh);
    /// assert_eq!(RouteOptions::LOGIN_REQUIRED, RouteOptions::default());
    /// ```
    pub const LOGIN_REQUIRED: RouteOptions = RouteOptions {
        fresh: false,
        max_age_secs: None,
        login_view: None,
        refresh_view: None,
        flavour: Flavour::Inherit,
        anonymous_only: false,
        logged_in_view: None,
    };
    /// The options of a plain `#[fresh_login_required]`.
    ///
    /// ```
    /// use login_runtime::guard::RouteOptions;
    /// assert!(RouteOptions::FRESH_LOGIN_REQUIRED.fresh);
    /// assert_eq!(RouteOptions::FRESH_LOGIN_REQUIRED.max_age_secs, None);
    /// ```
    pub const FRESH_LOGIN_REQUIRED: RouteOptions = RouteOptions::LOGIN_REQUIRED.fresh(true);
    /// The options of a plain `#[anonymous_required]`: pages only logged-out visitors see
    /// (a login or sign-up form).
    ///
    /// ```
    /// use login_runtime::guard::RouteOptions;
    /// assert!(RouteOptions::ANONYMOUS_REQUIRED.anonymous_only);
    /// assert_eq!(RouteOptions::ANONYMOUS_REQUIRED.logged_in_view, None);
    /// ```
    pub const ANONYMOUS_REQUIRED: RouteOptions = RouteOptions::LOGIN_REQUIRED.anonymous_only(true);

    /// Whether the login must be fresh.
    ///
    /// ```
    /// use login_runtime::guard::RouteOptions;
    /// assert_eq!(RouteOptions::LOGIN_REQUIRED.fresh(true), RouteOptions::FRESH_LOGIN_REQUIRED);
    /// ```
    pub const fn fresh(mut self, fresh: bool) -> Self {
        self.fresh = fresh;
        self
    }

    /// With `fresh`: the login must have been proved within `secs` seconds.
    ///
    /// ```
    /// use login_runtime::guard::RouteOptions;
    /// let recent = RouteOptions::FRESH_LOGIN_REQUIRED.max_age_secs(600);
    /// assert_eq!(recent.max_age_secs, Some(600));
    /// ```
    pub const fn max_age_secs(mut self, secs: u64) -> Self {
        self.max_age_secs = Some(secs);
        self
    }

    /// This route's login view.
    ///
    /// ```
    /// use login_runtime::guard::RouteOptions;
    /// let admin = RouteOptions::LOGIN_REQUIRED.login_view("/admin/login");
    /// assert_eq!(admin.login_view, Some("/admin/login"));
    /// ```
    pub const fn login_view(mut self, view: &'static str) -> Self {
        self.login_view = Some(view);
        self
    }

    /// This route's refresh view.
    ///
    /// ```
    /// use login_runtime::guard::RouteOptions;
    /// let billing = RouteOptions::FRESH_LOGIN_REQUIRED.refresh_view("/billing/confirm");
    /// assert_eq!(billing.refresh_view, Some("/billing/confirm"));
    /// ```
    pub const fn refresh_view(mut self, view: &'static str) -> Self {
        self.refresh_view = Some(view);
        self
    }

    /// Whether the route is for anonymous visitors only.
    ///
    /// ```
    /// use login_runtime::guard::RouteOptions;
    /// assert_eq!(RouteOptions::LOGIN_REQUIRED.anonymous_only(true), RouteOptions::ANONYMOUS_REQUIRED);
    /// ```
    pub const fn anonymous_only(mut self, anonymous_only: bool) -> Self {
        self.anonymous_only = anonymous_only;
        self
    }

    /// With `anonymous_only`: where a logged-in user is redirected, overriding the manager's
    /// [`logged_in_view`](crate::LoginManagerBuilder::logged_in_view).
    ///
    /// ```
    /// use login_runtime::guard::RouteOptions;
    /// let signup = RouteOptions::ANONYMOUS_REQUIRED.logged_in_view("/account");
    /// assert_eq!(signup.logged_in_view, Some("/account"));
    /// ```
    pub const fn logged_in_view(mut self, view: &'static str) -> Self {
        self.logged_in_view = Some(view);
        self
    }

    /// Redirect, JSON, or as the scope says.
    ///
    /// ```
    /// use login_runtime::guard::{Flavour, RouteOptions};
    /// let api = RouteOptions::LOGIN_REQUIRED.flavour(Flavour::Json);
    /// assert_eq!(api.flavour, Flavour::Json);
    /// ```
    pub const fn flavour(mut self, flavour: Flavour) -> Self {
        self.flavour = flavour;
        self
    }
}

/// Names the options of a guarded route. The macros implement it on a hidden type per route.
///
/// ```
/// use login_runtime::guard::{Guard, RouteOptions, RouteRule};
///
/// /// Billing needs a login proved in the last ten minutes.
/// enum RecentLogin {}
/// impl RouteRule for RecentLogin {
///     const OPTIONS: RouteOptions = RouteOptions::FRESH_LOGIN_REQUIRED.max_age_secs(600);
/// }
/// async fn billing(_: Guard<RecentLogin>) -> &'static str {
///     "Card ending in 4242"
/// }
/// ```
pub trait RouteRule: 'static {
    /// The route's options.
    const OPTIONS: RouteOptions;
}

/// The rule of a plain `#[login_required]`.
///
/// ```
/// use actix_web::web;
/// use login_runtime::guard::{Guard, LoginRequired};
///
/// async fn inbox(_: Guard<LoginRequired>) -> &'static str {
///     "No new messages"
/// }
/// let route = web::resource("/inbox").to(inbox);
/// ```
#[derive(Debug)]
pub enum LoginRequired {}
impl RouteRule for LoginRequired {
    const OPTIONS: RouteOptions = RouteOptions::LOGIN_REQUIRED;
}

/// The rule of a plain `#[anonymous_required]`.
///
/// ```
/// use actix_web::web;
/// use login_runtime::guard::{AnonymousRequired, Guard};
///
/// async fn signup_form(_: Guard<AnonymousRequired>) -> &'static str {
///     "<form method=post>...</form>"
/// }
/// let route = web::resource("/signup").get(signup_form);
/// ```
#[derive(Debug)]
pub enum AnonymousRequired {}
impl RouteRule for AnonymousRequired {
    const OPTIONS: RouteOptions = RouteOptions::ANONYMOUS_REQUIRED;
}

/// The rule of a plain `#[fresh_login_required]`.
///
/// ```
/// use actix_web::web;
/// use login_runtime::guard::{FreshLoginRequired, Guard};
///
/// async fn delete_account(_: Guard<FreshLoginRequired>) -> &'static str {
///     "Account deleted"
/// }
/// let route = web::resource("/account/delete").post(delete_account);
/// ```
#[derive(Debug)]
pub enum FreshLoginRequired {}
impl RouteRule for FreshLoginRequired {
    const OPTIONS: RouteOptions = RouteOptions::FRESH_LOGIN_REQUIRED;
}
