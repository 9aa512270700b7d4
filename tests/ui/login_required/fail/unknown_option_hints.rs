use login_runtime::login_required;

// `fresh` is a different macro; `JSON` is `json`; `max_age` exists only on the fresh guard, so
// the list of options must not offer it.
#[login_required(fresh, JSON, redirect = "/login")]
async fn dashboard() -> &'static str {
    "secret"
}

fn main() {}
