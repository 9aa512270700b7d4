use login_runtime::login_required;

#[login_required]
struct Dashboard;

fn main() {}
