use login_runtime::login_required;

struct Handlers;

impl Handlers {
    #[login_required]
    async fn dashboard(&self) -> &'static str {
        "secret"
    }
}

fn main() {}
