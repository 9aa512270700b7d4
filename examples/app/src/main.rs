//! Starts the example app: `cargo run -p login-example-app`, then open <http://127.0.0.1:8000/>.
//!
//! Environment: `DATABASE_URL` (default `sqlite::memory:`), `SECRET_KEY` (default: random, so
//! logins end at restart), `HOST` (default `127.0.0.1`), `PORT` (default `8000`),
//! `SECURE_COOKIES` (default: off on loopback, where the app serves plain http; on elsewhere).
//!
//! `login-example-app grant-admin NAME` (and `revoke-admin NAME`, `admins`) names the
//! administrators in the database at `DATABASE_URL` instead of serving: see
//! `login_example_app::cli`, and `--help`.

use std::process::ExitCode;

use login_example_app::cli::{self, Command};

#[actix_web::main]
async fn main() -> ExitCode {
    // Errors and refusals (CSRF, failed database writes) are logged to stderr; `RUST_LOG`
    // chooses the level (default `info`).
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let command = match cli::parse(&args) {
        Ok(command) => command,
        Err(e) => {
            eprintln!("login-example-app: {}\n\n{}", e.message, cli::USAGE);
            return ExitCode::from(e.code);
        }
    };
    match command {
        Command::Serve => serve().await,
        Command::Help => {
            println!("{}", cli::USAGE);
            ExitCode::SUCCESS
        }
        admin => match cli::run(&admin, std::env::var("DATABASE_URL").ok().as_deref()).await {
            Ok(said) => {
                println!("{said}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("login-example-app: {}", e.message);
                ExitCode::from(e.code)
            }
        },
    }
}

async fn serve() -> ExitCode {
    let (config, warnings) = match login_example_app::Config::from_vars(|name| std::env::var(name).ok()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("login-example-app: {e}");
            return ExitCode::from(2);
        }
    };
    for warning in warnings {
        eprintln!("login-example-app: warning: {warning}");
    }
    let running = match login_example_app::build(config).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("login-example-app: {e}");
            return ExitCode::from(2);
        }
    };
    println!("login-example-app: serving on http://{}/", running.addr);
    match running.server.await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("login-example-app: server error: {e}");
            ExitCode::FAILURE
        }
    }
}
