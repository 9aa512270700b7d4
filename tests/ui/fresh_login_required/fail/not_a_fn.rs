use login_runtime::fresh_login_required;

#[fresh_login_required]
struct Dashboard;

fn main() {}
