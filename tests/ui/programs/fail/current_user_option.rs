//! The shop program (`../pass/shop.rs`) with one mistake: `CurrentUser<Option<User>>` where `MaybeUser<User>` was meant.
use actix_web::{App, HttpRequest, HttpResponse, get, post, web};
use login_runtime::{
    CurrentUser, LoginManager, LoginSession, MaybeUser, UserMixin, login_required, request_loader,
    user_loader,
};

struct Db;

#[derive(Clone, UserMixin)]
struct User {
    id: u64,
    name: String,
    #[user(active)]
    active: bool,
}

#[user_loader]
async fn load_user(id: u64, _db: web::Data<Db>) -> Option<User> {
    Some(User { id, name: "ann".into(), active: true })
}

#[request_loader]
async fn api_key(req: HttpRequest) -> Option<User> {
    let key = req.headers().get("x-api-key")?.to_str().ok()?;
    (key == "k").then(|| User { id: 1, name: "bot".into(), active: true })
}

#[post("/login")]
async fn login(session: LoginSession<User>) -> actix_web::Result<HttpResponse> {
    let user = User { id: 1, name: "ann".into(), active: true };
    session.login_user(&user).remember(true).await?;
    Ok(HttpResponse::SeeOther().insert_header(("Location", "/")).finish())
}

#[post("/logout")]
async fn logout(session: LoginSession<User>) -> HttpResponse {
    session.logout_user().await;
    HttpResponse::SeeOther().insert_header(("Location", "/")).finish()
}

#[get("/")]
async fn home(user: MaybeUser<User>) -> String {
    match user.into_inner() {
        Some(user) => format!("Hello, {}!", user.name),
        None => "Hello, stranger!".to_owned(),
    }
}

#[login_required]
#[get("/profile")]
async fn profile(user: CurrentUser<Option<User>>) -> String {
    let _ = user;
    String::new()
}

#[login_required]
#[post("/password")]
async fn change_password(user: CurrentUser<User>, _form: web::Form<Vec<(String, String)>>) -> HttpResponse {
    let _ = &user.name;
    HttpResponse::NoContent().finish()
}

fn main() {
    let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes, really")
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
