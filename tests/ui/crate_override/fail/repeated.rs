//! `crate` given twice on one derive.
use login_runtime::UserMixin;

#[derive(Clone, UserMixin)]
#[user(crate = "::login_runtime")]
#[user(crate = "::login_runtime")]
pub struct User {
    pub id: String,
}

fn main() {}
