//! A user struct that borrows, its id too: our one error at the lifetime. The stand-in for
//! `User<'static>` (with a `String` id, since the id field borrows) keeps the uses quiet.
use login_runtime::UserMixin;

#[derive(Clone, UserMixin)]
struct User<'a> {
    id: &'a str,
}

fn needs_a_user<U: UserMixin>(_: &U) {}

fn main() {
    needs_a_user(&User { id: "ann" });
}
