//! The shop program (`../pass/shop.rs`) with one mistake: a user struct that borrows its data
//! (named `User<'static>` in the signatures, as rustc asks for a borrowing type; writing `User`
//! alone is a plain-Rust error of its own, E0106, at every use).
use actix_web::{App, HttpRequest, HttpResponse, get, post, web};
use login_runtime::{
    CurrentUser, LoginManager, LoginSession, MaybeUser, UserMixin, login_required, request_loader,
    user_loader,
};

struct Db;

#[derive(Clone, UserMixin)]
struct User<'a> {
    id: u64,
    name: &'a str,
    #[user(active)]
    active: bool,
}

#[user_loader]
async fn load_user(id: u64, _db: web::Data<Db>) -> Option<User<'static>> {
    Some(User { id, name: "ann", active: true })
}

#[request_loader]
async fn api_key(req: HttpRequest) -> Option<User<'static>> {
    let key = req.headers().get("x-api-key")?.to_str().ok()?;
    (key == "k").then(|| User { id: 1, name: "bot", active: true })
}

#[post("/login")]
async fn login(session: LoginSession<User<'static>>) -> actix_web::Result<HttpResponse> {
    let user = User { id: 1, name: "ann", active: true };
    session.login_user(&user).remember(true).await?;
    Ok(HttpResponse::SeeOther().insert_header(("Location", "/")).finish())
}

#[post("/logout")]
async fn logout(session: LoginSession<User<'static>>) -> HttpResponse {
    session.logout_user().await;
    HttpResponse::SeeOther().insert_header(("Location", "/")).finish()
}

#[get("/")]
async fn home(user: MaybeUser<User<'static>>) -> String {
    match user.into_inner() {
        Some(user) => format!("Hello, {}!", user.name),
        None => "Hello, stranger!".to_owned(),
    }
}

#[login_required]
#[get("/profile")]
async fn profile(user: CurrentUser<User<'static>>) -> String {
    format!("{} ({})", user.name, user.id)
}

#[login_required]
#[post("/password")]
async fn change_password(user: CurrentUser<User<'static>>, _form: web::Form<Vec<(String, String)>>) -> HttpResponse {
    let _ = &user.name;
    HttpResponse::NoContent().finish()
}

fn main() {
    let manager = LoginManager::<User<'static>>::builder("a secret key of at least thirty-two bytes, really")
        .request_loader(api_key)
        .build()
        .expect("a valid configuration");
    let _app = App::new()
        .wrap(manager)
        .app_data(web::Data::new(Db))
        .service(login)
        .service(logout)
        .service(home)
        .service(profile)
        .service(change_password);
}
