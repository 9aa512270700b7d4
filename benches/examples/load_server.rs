//! The load-test server: `/bare` and `/guarded` (same body; `/guarded` is `#[login_required]` and
//! reads `CurrentUser`), plus `/login` to get a session cookie. `scripts/load.sh` builds it in
//! release mode, starts it, and drives both routes with `wrk`; `scripts/load-redis.sh` starts one
//! server per `MODE` and drives `/guarded` on each.
//!
//! Environment: `HOST` (default `127.0.0.1`), `PORT` (default `8088`; `0` picks a free port),
//! `WORKERS` (default `2`), and `MODE`, where the logins live:
//!
//! - `bare`: the same routes with no middleware at all, actix-web alone (its `/bare` is the
//!   baseline of `scripts/load.sh`);
//! - `cookie` (the default): login-runtime with its signed-cookie session;
//! - `memory`: login-runtime with `MemoryStore` (the cookie holds a signed id);
//! - `redis`: login-runtime with `RedisStore` at `REDIS_URL`;
//! - `identity-cookie`: actix-identity 0.9 on actix-session 0.11's `CookieSessionStore`
//!   (signed cookie), the peer of the in-process benchmarks;
//! - `identity-redis`: actix-identity on actix-session's `RedisSessionStore` at `REDIS_URL`
//!   (signed cookie holding actix-session's session key).
//!
//! The actix-identity modes serve `/login` and `/guarded` only; every mode's `/guarded` answers
//! `hello bench` after looking the user up in the same in-memory table.
//!
//! In the two Redis modes the store's one multiplexed connection is opened in `main`, before the
//! server starts (actix-session's `RedisSessionStore::new` connects there; `RedisStore` would
//! otherwise connect on its first call, from a worker), so both connections' tasks run on the
//! same thread, the main one. `REDIS_CONNECT=lazy` leaves `RedisStore` to connect on first use.
//!
//! Prints one line, `listening on http://HOST:PORT (MODE=...)`, once it accepts connections.

#![allow(clippy::panic, missing_docs)]

#[path = "../benches/peer/mod.rs"]
mod peer;

use std::io::Write as _;

use actix_session::storage::RedisSessionStore;
use actix_web::{App, HttpServer};
use login_benches::{manager, routes, store_manager};
use login_runtime::store::{MemoryStore, RecordKey, RedisStore, SessionStore};

fn var_or<T: std::str::FromStr>(name: &str, default: T) -> std::io::Result<T> {
    match std::env::var(name) {
        Ok(v) => v
            .parse()
            .map_err(|_| invalid(format!("{name}=`{v}` is not valid"))),
        Err(_) => Ok(default),
    }
}

fn invalid(message: String) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidInput, message)
}

fn redis_url() -> std::io::Result<String> {
    std::env::var("REDIS_URL").map_err(|_| invalid("this MODE needs REDIS_URL".to_owned()))
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let host: String = var_or("HOST", "127.0.0.1".to_owned())?;
    let port: u16 = var_or("PORT", 8088)?;
    let workers: usize = var_or("WORKERS", 2)?;
    let mode: String = var_or("MODE", "cookie".to_owned())?;
    let bind = (host.as_str(), port);
    // Each mode's app is a different type: bind, announce and run each in its own arm.
    macro_rules! serve {
        ($factory:expr) => {{
            let server = HttpServer::new($factory).workers(workers).bind(bind)?;
            for addr in server.addrs() {
                println!("listening on http://{addr} (MODE={mode})");
            }
            std::io::stdout().flush()?;
            server.run().await
        }};
    }
    match mode.as_str() {
        "bare" => serve!(|| App::new().configure(routes)),
        "cookie" => {
            let manager = manager();
            serve!(move || App::new().wrap(manager.clone()).configure(routes))
        }
        "memory" => {
            let manager = store_manager(MemoryStore::new());
            serve!(move || App::new().wrap(manager.clone()).configure(routes))
        }
        "redis" => {
            let store = RedisStore::new(&redis_url()?)
                .map_err(|e| invalid(e.to_string()))?
                .prefix("login-benches:");
            if var_or("REDIS_CONNECT", "main".to_owned())? != "lazy" {
                // One GET of a key that is never written: opens the connection here.
                store
                    .load(&RecordKey::from_bytes([0; 32]))
                    .await
                    .map_err(|e| invalid(format!("Redis: {e}")))?;
            }
            let manager = store_manager(store);
            serve!(move || App::new().wrap(manager.clone()).configure(routes))
        }
        "identity-cookie" => serve!(peer::app),
        "identity-redis" => {
            let store = RedisSessionStore::new(redis_url()?)
                .await
                .map_err(|e| invalid(format!("Redis: {e}")))?;
            serve!(move || peer::app_with(store.clone()))
        }
        other => Err(invalid(format!(
            "MODE=`{other}`: give bare, cookie, memory, redis, identity-cookie or identity-redis"
        ))),
    }
}
