use login_runtime::{LoginManager, UserMixin};

#[derive(Clone, UserMixin)]
struct User {
    id: String,
}

fn main() {
    let _manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes").build();
}
