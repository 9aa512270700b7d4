use std::collections::{BTreeSet, HashSet};

use actix_web::HttpRequest;
use login_runtime::{UserMixin, login_required, permission_loader, user_loader};

#[derive(Clone, UserMixin)]
struct Editor {
    id: u64,
    #[user(permissions)]
    grants: BTreeSet<String>,
}

#[user_loader]
async fn load_editor(id: u64) -> Option<Editor> {
    Some(Editor { id, grants: BTreeSet::new() })
}

#[login_required(permission = "publish", user = Editor)]
async fn publish() -> &'static str {
    "published"
}

#[derive(Clone, UserMixin)]
struct Reader {
    id: String,
}

#[user_loader]
async fn load_reader(id: String) -> Option<Reader> {
    Some(Reader { id })
}

#[permission_loader]
async fn reader_permissions(reader: &Reader, req: HttpRequest) -> Vec<String> {
    vec![format!("{}:{}", reader.id, req.path())]
}

#[login_required(permission = any("read", "write"), user = Reader)]
async fn read() -> &'static str {
    "read"
}

fn main() {
    let _ = (publish, read);
    let _ = HashSet::<u8>::new();
}
