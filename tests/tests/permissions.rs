//! Authorization on the route: `permission = ..`, `any(..)` / `all(..)`, string permissions,
//! `check = ..`, 403 apart from 401 (never a redirect to the login view, JSON in JSON routes,
//! the forbidden handler, the `Forbidden` event), the permission loader called lazily and at
//! most once per request, and permissions kept on the user (`#[user(permissions)]`).

// Test helpers may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cell::Cell;
use std::collections::HashSet;
use std::rc::Rc;
use std::sync::{Arc, Mutex};

use actix_web::http::StatusCode;
use actix_web::{App, HttpMessage, HttpRequest, HttpResponse, test, web};
use login_runtime::{
    CurrentUser, LoginEvent, LoginManager, LoginSession, Permissions, UserMixin, fresh_login_required,
    login_required, permission_loader, user_loader,
};

const KEY: &[u8; 32] = b"permissions-test-key-32-bytes-!!";

#[derive(Clone, Debug, UserMixin)]
struct Member {
    id: String,
}

#[user_loader]
async fn load_member(id: String) -> Option<Member> {
    Some(Member { id })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Perm {
    Admin,
    Billing,
    Audit,
}

/// How many times the permission loader ran in this request.
#[derive(Clone, Default)]
struct Loads(Rc<Cell<u32>>);

fn loads(req: &HttpRequest) -> u32 {
    req.extensions().get::<Loads>().map_or(0, |l| l.0.get())
}

thread_local! {
    static FAIL_LOADER: Cell<bool> = const { Cell::new(false) };
}

/// `root` is an admin with billing; `clerk` has billing; everyone else has nothing.
#[permission_loader]
async fn member_permissions(user: &Member, req: HttpRequest) -> Result<HashSet<Perm>, String> {
    let counter = req.extensions().get::<Loads>().cloned().unwrap_or_default();
    counter.0.set(counter.0.get() + 1);
    req.extensions_mut().insert(counter);
    if FAIL_LOADER.with(Cell::get) {
        return Err("the grants table is unreachable".to_owned());
    }
    Ok(match user.id.as_str() {
        "root" => HashSet::from([Perm::Admin, Perm::Billing]),
        "clerk" => HashSet::from([Perm::Billing]),
        _ => HashSet::new(),
    })
}

#[login_required(permission = Perm::Admin)]
async fn admin(user: CurrentUser<Member>) -> String {
    format!("Admin: {}", user.id)
}

#[login_required(permission = Perm::Admin, json)]
async fn api_admin(user: CurrentUser<Member>) -> String {
    format!("{{\"id\":\"{}\"}}", user.id)
}

#[login_required(permission = any(Perm::Admin, Perm::Audit), user = Member)]
async fn audit_log() -> &'static str {
    "log"
}

#[login_required(permission = all(Perm::Admin, Perm::Billing), user = Member)]
async fn payouts() -> &'static str {
    "payouts"
}

#[fresh_login_required(permission = Perm::Billing, user = Member)]
async fn change_card() -> &'static str {
    "card changed"
}

/// Takes the permissions too: with the guard, the loader still runs once.
#[login_required(permission = Perm::Billing)]
async fn invoices(perms: Permissions<Member>, req: HttpRequest) -> String {
    format!(
        "invoices (admin: {}, loads: {})",
        perms.contains(&Perm::Admin),
        loads(&req)
    )
}

fn is_staff(user: &Member) -> bool {
    user.id.ends_with("@staff")
}

async fn is_on_call(user: &Member) -> bool {
    std::future::ready(()).await;
    user.id.starts_with("oncall")
}

#[login_required(check = is_staff, user = Member)]
async fn staff_room() -> &'static str {
    "staff"
}

#[login_required(check = is_on_call, user = Member)]
async fn pager() -> &'static str {
    "pager"
}

#[login_required]
async fn plain(user: CurrentUser<Member>, req: HttpRequest) -> String {
    format!("plain {} (loads: {})", user.id, loads(&req))
}

async fn login(session: LoginSession<Member>, who: web::Path<String>) -> HttpResponse {
    match session.login_user(&Member { id: who.into_inner() }).await {
        Ok(_) => HttpResponse::Ok().finish(),
        Err(e) => HttpResponse::InternalServerError().body(e.to_string()),
    }
}

async fn login_stale(session: LoginSession<Member>, who: web::Path<String>) -> HttpResponse {
    match session
        .login_user(&Member { id: who.into_inner() })
        .fresh(false)
        .await
    {
        Ok(_) => HttpResponse::Ok().finish(),
        Err(e) => HttpResponse::InternalServerError().body(e.to_string()),
    }
}

fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/login/{who}", web::post().to(login))
        .route("/stale/{who}", web::post().to(login_stale))
        .route("/admin", web::get().to(admin))
        .route("/api/admin", web::get().to(api_admin))
        .route("/audit", web::get().to(audit_log))
        .route("/payouts", web::get().to(payouts))
        .route("/card", web::get().to(change_card))
        .route("/invoices", web::get().to(invoices))
        .route("/staff", web::get().to(staff_room))
        .route("/pager", web::get().to(pager))
        .route("/admin-any-method", web::to(admin))
        .route("/plain", web::get().to(plain));
}

fn manager() -> LoginManager<Member> {
    LoginManager::<Member>::builder(*KEY)
        .login_view("/login")
        .refresh_view("/reauth")
        .build()
        .unwrap()
}

/// The session cookie of a login as `who`.
async fn session_of<S, B>(app: &S, who: &str) -> actix_web::cookie::Cookie<'static>
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let res = test::call_service(
        app,
        test::TestRequest::post()
            .uri(&format!("/login/{who}"))
            .to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    res.response()
        .cookies()
        .find(|c| c.name() == "session")
        .expect("a session cookie")
        .into_owned()
}

async fn get<S, B>(
    app: &S,
    uri: &str,
    cookie: Option<&actix_web::cookie::Cookie<'static>>,
) -> (StatusCode, String, Option<String>)
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let f = crate::support::fetch::fetch_get(app, uri, cookie).await;
    (f.status, format!("{}|{}", f.content_type, f.body), f.location)
}

#[actix_web::test]
async fn a_user_with_the_permission_reaches_the_handler() {
    let app = test::init_service(App::new().wrap(manager()).configure(routes)).await;
    let root = session_of(&app, "root").await;
    let (status, body, _) = get(&app, "/admin", Some(&root)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.ends_with("|Admin: root"), "{body}");
}

#[actix_web::test]
async fn a_user_without_the_permission_gets_403_not_a_redirect_and_stays_logged_in() {
    let app = test::init_service(App::new().wrap(manager()).configure(routes)).await;
    let clerk = session_of(&app, "clerk").await;
    let (status, body, location) = get(&app, "/admin", Some(&clerk)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(location, None, "a 403 never redirects to the login view");
    assert!(body.contains("403 Forbidden"), "{body}");
    // Still logged in: the same cookie opens a plain login_required route.
    let (status, body, _) = get(&app, "/plain", Some(&clerk)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.ends_with("plain clerk (loads: 0)"), "{body}");
}

#[actix_web::test]
async fn anonymous_requests_to_a_permission_route_are_unauthorized_not_forbidden() {
    let app = test::init_service(App::new().wrap(manager()).configure(routes)).await;
    let (status, _, location) = get(&app, "/admin", None).await;
    assert_eq!(status, StatusCode::FOUND);
    assert_eq!(location.as_deref(), Some("/login?next=%2Fadmin"));
    let (status, body, _) = get(&app, "/api/admin", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(body.contains("\"error\":\"unauthorized\""), "{body}");
}

#[actix_web::test]
async fn json_routes_answer_403_with_an_error_member() {
    let app = test::init_service(App::new().wrap(manager()).configure(routes)).await;
    let clerk = session_of(&app, "clerk").await;
    let (status, body, _) = get(&app, "/api/admin", Some(&clerk)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body.starts_with("application/json|"), "{body}");
    assert!(body.contains("\"error\":\"forbidden\""), "{body}");
    let root = session_of(&app, "root").await;
    let (status, body, _) = get(&app, "/api/admin", Some(&root)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.ends_with("{\"id\":\"root\"}"), "{body}");
}

#[actix_web::test]
async fn any_needs_one_of_the_permissions_and_all_needs_every_one() {
    let app = test::init_service(App::new().wrap(manager()).configure(routes)).await;
    let root = session_of(&app, "root").await;
    let clerk = session_of(&app, "clerk").await;
    assert_eq!(get(&app, "/audit", Some(&root)).await.0, StatusCode::OK);
    assert_eq!(get(&app, "/audit", Some(&clerk)).await.0, StatusCode::FORBIDDEN);
    assert_eq!(get(&app, "/payouts", Some(&root)).await.0, StatusCode::OK);
    assert_eq!(get(&app, "/payouts", Some(&clerk)).await.0, StatusCode::FORBIDDEN);
}

#[actix_web::test]
async fn a_fresh_permission_route_asks_for_freshness_before_permissions() {
    let app = test::init_service(App::new().wrap(manager()).configure(routes)).await;
    let res = test::call_service(&app, test::TestRequest::post().uri("/stale/clerk").to_request()).await;
    let stale = res
        .response()
        .cookies()
        .find(|c| c.name() == "session")
        .unwrap()
        .into_owned();
    let (status, _, location) = get(&app, "/card", Some(&stale)).await;
    assert_eq!(status, StatusCode::FOUND);
    assert_eq!(location.as_deref(), Some("/reauth?next=%2Fcard"));
    let fresh = session_of(&app, "clerk").await;
    assert_eq!(get(&app, "/card", Some(&fresh)).await.0, StatusCode::OK);
    let nobody = session_of(&app, "nobody").await;
    assert_eq!(get(&app, "/card", Some(&nobody)).await.0, StatusCode::FORBIDDEN);
}

#[actix_web::test]
async fn checks_call_sync_and_async_functions_of_the_user() {
    let app = test::init_service(App::new().wrap(manager()).configure(routes)).await;
    let staff = session_of(&app, "ann@staff").await;
    let other = session_of(&app, "ann@home").await;
    assert_eq!(get(&app, "/staff", Some(&staff)).await.0, StatusCode::OK);
    assert_eq!(get(&app, "/staff", Some(&other)).await.0, StatusCode::FORBIDDEN);
    let oncall = session_of(&app, "oncall-bob").await;
    assert_eq!(get(&app, "/pager", Some(&oncall)).await.0, StatusCode::OK);
    assert_eq!(get(&app, "/pager", Some(&other)).await.0, StatusCode::FORBIDDEN);
}

#[actix_web::test]
async fn the_permission_loader_runs_once_per_request_and_only_on_routes_that_check() {
    let app = test::init_service(App::new().wrap(manager()).configure(routes)).await;
    let clerk = session_of(&app, "clerk").await;
    // The guard and the `Permissions` extractor both ask; the loader runs once.
    let (status, body, _) = get(&app, "/invoices", Some(&clerk)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.ends_with("invoices (admin: false, loads: 1)"), "{body}");
    // A route that checks no permission never calls the loader.
    let (status, body, _) = get(&app, "/plain", Some(&clerk)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.ends_with("plain clerk (loads: 0)"), "{body}");
}

#[actix_web::test]
async fn a_failing_permission_loader_is_a_server_error_never_a_403() {
    let app = test::init_service(App::new().wrap(manager()).configure(routes)).await;
    let root = session_of(&app, "root").await;
    FAIL_LOADER.with(|f| f.set(true));
    let (status, body, _) = get(&app, "/admin", Some(&root)).await;
    FAIL_LOADER.with(|f| f.set(false));
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{body}");
    assert!(
        !body.contains("unreachable"),
        "the loader's message is logged, not shown: {body}"
    );
}

#[actix_web::test]
async fn an_exempt_method_never_runs_a_permission_routes_body() {
    let app = test::init_service(App::new().wrap(manager()).configure(routes)).await;
    let req = test::TestRequest::default()
        .method(actix_web::http::Method::OPTIONS)
        .uri("/admin-any-method")
        .to_request();
    let res = test::call_service(&app, req).await;
    assert_eq!(res.status(), StatusCode::OK);
    let body = test::read_body(res).await;
    assert!(body.is_empty(), "the protected answer is not revealed: {body:?}");
}

#[actix_web::test]
async fn the_forbidden_handler_and_event_replace_the_default_answer() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    let manager = LoginManager::<Member>::builder(*KEY)
        .forbidden_handler(|_req, why| HttpResponse::Forbidden().body(format!("custom {:?}", why.refusal())))
        .on_event(move |_req, event| {
            if let LoginEvent::Forbidden(user) = event {
                log.lock().unwrap().push(user.id.clone());
            }
        })
        .build()
        .unwrap();
    let app = test::init_service(App::new().wrap(manager).configure(routes)).await;
    let clerk = session_of(&app, "clerk").await;
    let (status, body, _) = get(&app, "/admin", Some(&clerk)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body.ends_with("custom Forbidden"), "{body}");
    assert_eq!(*seen.lock().unwrap(), vec!["clerk".to_owned()]);
}

/// Permissions kept on the user, with string permissions.
mod on_the_user {
    use super::*;

    #[derive(Clone, Debug, UserMixin)]
    struct Editor {
        id: String,
        #[user(permissions)]
        grants: Vec<String>,
    }

    #[user_loader]
    async fn load_editor(id: String) -> Option<Editor> {
        let grants = if id == "ed" {
            vec!["publish".to_owned()]
        } else {
            Vec::new()
        };
        Some(Editor { id, grants })
    }

    #[login_required(permission = "publish")]
    async fn publish(user: CurrentUser<Editor>) -> String {
        format!("published by {}", user.id)
    }

    async fn login(session: LoginSession<Editor>, who: web::Path<String>) -> HttpResponse {
        session
            .login_user(&Editor {
                id: who.into_inner(),
                grants: Vec::new(),
            })
            .await
            .unwrap();
        HttpResponse::Ok().finish()
    }

    #[actix_web::test]
    async fn a_permissions_field_is_checked_as_the_user_was_loaded() {
        let manager = LoginManager::<Editor>::builder(*KEY).build().unwrap();
        let app = test::init_service(
            App::new()
                .wrap(manager)
                .route("/login/{who}", web::post().to(login))
                .route("/publish", web::get().to(publish)),
        )
        .await;
        let ed = session_of(&app, "ed").await;
        let (status, body, _) = get(&app, "/publish", Some(&ed)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.ends_with("published by ed"), "{body}");
        let guest = session_of(&app, "guest").await;
        assert_eq!(get(&app, "/publish", Some(&guest)).await.0, StatusCode::FORBIDDEN);
    }
}
