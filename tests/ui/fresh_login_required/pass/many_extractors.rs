//! The guard adds one extractor in front of the handler's own; 15 of them still fit actix-web's
//! limit of 16.
use actix_web::{App, HttpRequest, get, web};
use login_runtime::{LoginSession, MaybeUser, fresh_login_required};
use login_runtime::{CurrentUser, UserMixin, user_loader};

#[derive(Clone, UserMixin)]
struct User {
    id: String,
}

#[user_loader]
async fn load_user(id: String) -> Option<User> {
    Some(User { id })
}

struct Db;

#[derive(serde::Deserialize)]
struct Query {
    page: Option<u32>,
}

#[get("/items/{id}")]
#[fresh_login_required]
#[allow(clippy::too_many_arguments)]
async fn items(
    user: CurrentUser<User>,
    maybe: MaybeUser<User>,
    session: LoginSession<User>,
    req: HttpRequest,
    path: web::Path<u32>,
    query: web::Query<Query>,
    db: web::Data<Db>,
    body: String,
    a: web::Header<actix_web::http::header::ContentType>,
    b: Option<web::Data<Db>>,
    c: Result<web::Query<Query>, actix_web::Error>,
    d: actix_web::dev::ConnectionInfo,
    e: actix_web::http::Method,
    f: actix_web::http::Uri,
    g: (web::Path<u32>, web::Data<Db>),
) -> String {
    let _ = (maybe, session, req, db, body, a, b, c, d, e, f, g);
    format!("{} {} {:?}", user.id, path.into_inner(), query.page)
}

fn main() {
    let _ = App::new().app_data(web::Data::new(Db)).service(items);
}
