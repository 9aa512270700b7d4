//! The load-test server: `/bare` and `/guarded` (same body; `/guarded` is `#[login_required]` and
//! reads `CurrentUser`), plus `/login` to get a session cookie. `scripts/load.sh` builds it in
//! release mode, starts it, and drives both routes with `wrk`.
//!
//! Environment: `HOST` (default `127.0.0.1`), `PORT` (default `8088`; `0` picks a free port),
//! `WORKERS` (default `2`). Prints one line, `listening on http://HOST:PORT`, once it accepts
//! connections.

use std::io::Write as _;

use actix_web::{App, HttpServer};
use login_benches::{manager, routes};

fn var_or<T: std::str::FromStr>(name: &str, default: T) -> std::io::Result<T> {
    match std::env::var(name) {
        Ok(v) => v.parse().map_err(|_| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("{name}=`{v}` is not valid"),
            )
        }),
        Err(_) => Ok(default),
    }
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let host: String = var_or("HOST", "127.0.0.1".to_owned())?;
    let port: u16 = var_or("PORT", 8088)?;
    let workers: usize = var_or("WORKERS", 2)?;
    let manager = manager();
    let server = HttpServer::new(move || App::new().wrap(manager.clone()).configure(routes))
        .workers(workers)
        .bind((host.as_str(), port))?;
    for addr in server.addrs() {
        println!("listening on http://{addr}");
    }
    std::io::stdout().flush()?;
    server.run().await
}
