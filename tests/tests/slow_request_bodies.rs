//! The quickstart bounds how long a request body may take to arrive (issue 17, item 8): a
//! `POST` whose body stalls, or trickles in a byte every 100 ms, is answered 408 with
//! `Connection: close` once `BODY_TIMEOUT` has passed, and the connection is closed; a body that
//! arrives in time is served as before. Checked with raw `TcpStream` clients over loopback
//! against the real HTTP server (in-process with a short deadline, and the built binary when
//! there is one), every wait bounded.
// Test helpers may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use actix_web::HttpServer;
use actix_web::dev::ServerHandle;

use crate::quickstart;

const KEY: &str = "slow request bodies test key, 32 bytes+";
/// The in-process servers' deadline: short, so the tests are quick.
const LIMIT: Duration = Duration::from_millis(600);
/// How late after the deadline the 408 may come (a loaded 2-core machine).
const SLACK: Duration = Duration::from_secs(3);

fn settings(vars: &[(&str, &str)]) -> Result<quickstart::Settings, String> {
    let map: HashMap<&str, &str> = vars.iter().copied().collect();
    quickstart::Settings::from_vars(|name| Ok(map.get(name).map(|v| (*v).to_owned())))
}

/// Starts the quickstart as `main` does, with a body deadline of `limit`, on a free loopback
/// port in its own thread.
fn start(limit: Duration) -> (SocketAddr, ServerHandle) {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        actix_rt::System::new().block_on(async move {
            let manager = quickstart::manager(&settings(&[("SECRET_KEY", KEY)]).unwrap()).unwrap();
            let server = HttpServer::new(move || quickstart::app_with_body_timeout(manager.clone(), limit))
                .workers(1)
                .bind(("127.0.0.1", 0))
                .unwrap();
            let addr = server.addrs()[0];
            let server = server.run();
            tx.send((addr, server.handle())).unwrap();
            server.await
        })
    });
    rx.recv_timeout(Duration::from_secs(30))
        .expect("the server starts")
}

/// How the client sends the body after the head.
#[derive(Clone, Copy)]
enum Pace {
    /// Nothing at all.
    Stall,
    /// One byte every 100 ms.
    Trickle,
    /// All of it at once.
    AtOnce,
}

/// What a raw client saw.
struct Outcome {
    /// The response head, lower-cased (`None`: no answer before the client gave up).
    head: Option<String>,
    /// When the head arrived, from the end of the request head.
    answered_after: Duration,
    /// Whether the server closed the connection after answering.
    closed: bool,
}

impl Outcome {
    fn status(&self) -> Option<u16> {
        self.head
            .as_deref()?
            .strip_prefix("http/1.1 ")?
            .get(..3)?
            .parse()
            .ok()
    }
}

/// Sends `POST /login` with good credentials as a body of `Content-Length` bytes, paced by
/// `pace`, and reads what comes back, giving up after `give_up`.
fn post_login(addr: SocketAddr, pace: Pace, give_up: Duration) -> Outcome {
    let body = b"email=leafstorm&password=secret";
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_millis(100))).unwrap();
    let head = format!(
        "POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    let start = Instant::now();
    let mut sent = 0;
    if let Pace::AtOnce = pace {
        stream.write_all(body).unwrap();
        sent = body.len();
    }
    let mut received = Vec::new();
    let mut answered = None;
    let mut chunk = [0u8; 4096];
    while start.elapsed() < give_up {
        match stream.read(&mut chunk) {
            Ok(0) => {
                return Outcome {
                    head: answered.map(|_| head_of(&received)),
                    answered_after: answered.unwrap_or(start.elapsed()),
                    closed: true,
                };
            }
            Ok(n) => received.extend_from_slice(&chunk[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(_) => {
                // Reset: closed.
                return Outcome {
                    head: answered.map(|_| head_of(&received)),
                    answered_after: answered.unwrap_or(start.elapsed()),
                    closed: true,
                };
            }
        }
        if answered.is_none() && received.windows(4).any(|w| w == b"\r\n\r\n") {
            answered = Some(start.elapsed());
            if let Pace::AtOnce = pace {
                break;
            }
        }
        if let (Pace::Trickle, None) = (pace, answered)
            && sent < body.len()
        {
            // The server may already be closing; a failed write shows up in the next read.
            let _ = stream.write_all(&body[sent..=sent]);
            sent += 1;
        }
    }
    Outcome {
        head: answered.map(|_| head_of(&received)),
        answered_after: answered.unwrap_or(start.elapsed()),
        closed: false,
    }
}

fn head_of(received: &[u8]) -> String {
    let text = String::from_utf8_lossy(received).to_ascii_lowercase();
    text.split("\r\n\r\n").next().unwrap_or_default().to_owned()
}

/// Checks that `outcome` is a 408 with `Connection: close`, sent at the deadline `limit`, after
/// which the server closed the connection.
fn assert_cut(outcome: &Outcome, limit: Duration, what: &str) {
    assert_eq!(outcome.status(), Some(408), "{what}: {:?}", outcome.head);
    let head = outcome.head.as_deref().unwrap_or_default();
    assert!(head.contains("\r\nconnection: close"), "{what}: {head}");
    assert!(
        outcome.answered_after >= limit.mul_f32(0.9) && outcome.answered_after <= limit + SLACK,
        "{what}: answered after {:?} for a deadline of {limit:?}",
        outcome.answered_after
    );
    assert!(outcome.closed, "{what}: the connection stays open");
}

#[test]
fn a_body_that_stalls_is_answered_408_and_its_connection_closed() {
    let (addr, handle) = start(LIMIT);
    let outcome = post_login(addr, Pace::Stall, LIMIT + SLACK * 2);
    assert_cut(&outcome, LIMIT, "stalled body");
    actix_rt::System::new().block_on(handle.stop(false));
}

#[test]
fn a_body_that_trickles_in_a_byte_every_100_ms_is_cut_at_the_deadline() {
    // 31 bytes at 10 a second would take 3.1 s; the deadline is 0.6 s.
    let (addr, handle) = start(LIMIT);
    let outcome = post_login(addr, Pace::Trickle, LIMIT + SLACK * 2);
    assert_cut(&outcome, LIMIT, "trickled body");
    actix_rt::System::new().block_on(handle.stop(false));
}

#[test]
fn a_body_that_arrives_in_time_is_served_and_its_connection_kept() {
    let (addr, handle) = start(LIMIT);
    let outcome = post_login(addr, Pace::AtOnce, SLACK);
    assert_eq!(outcome.status(), Some(303), "{:?}", outcome.head);
    let head = outcome.head.unwrap_or_default();
    assert!(head.contains("set-cookie: session="), "logged in: {head}");
    assert!(!head.contains("connection: close"), "{head}");
    assert!(!outcome.closed);
    // A body trickled in over ~3 s is in time for a 10 s deadline.
    let (addr, handle2) = start(Duration::from_secs(10));
    let trickled = post_login(addr, Pace::Trickle, Duration::from_secs(10));
    assert_eq!(trickled.status(), Some(303), "{:?}", trickled.head);
    actix_rt::System::new().block_on(handle.stop(false));
    actix_rt::System::new().block_on(handle2.stop(false));
}

#[test]
fn many_slow_clients_are_all_cut_and_the_server_then_answers_others() {
    const CLIENTS: usize = 40;
    let (addr, handle) = start(LIMIT);
    let started = Instant::now();
    let slow: Vec<_> = (0..CLIENTS)
        .map(|i| {
            let pace = if i % 2 == 0 { Pace::Stall } else { Pace::Trickle };
            std::thread::spawn(move || post_login(addr, pace, LIMIT + SLACK * 2))
        })
        .collect();
    for (i, client) in slow.into_iter().enumerate() {
        assert_cut(&client.join().unwrap(), LIMIT, &format!("slow client {i}"));
    }
    assert!(started.elapsed() < LIMIT + SLACK * 2, "{:?}", started.elapsed());
    let outcome = post_login(addr, Pace::AtOnce, SLACK);
    assert_eq!(outcome.status(), Some(303), "{:?}", outcome.head);
    actix_rt::System::new().block_on(handle.stop(false));
}

#[test]
fn body_timeout_is_read_from_the_environment_with_a_default() {
    assert_eq!(settings(&[]).unwrap().body_timeout, Duration::from_secs(10));
    assert_eq!(
        settings(&[("BODY_TIMEOUT", "3s")]).unwrap().body_timeout,
        Duration::from_secs(3)
    );
    for bad in ["soon", "0", "-1s"] {
        let err = settings(&[("BODY_TIMEOUT", bad)]).unwrap_err();
        assert!(err.starts_with("BODY_TIMEOUT"), "{bad}: {err}");
        assert!(!err.contains('\n'), "{bad}: {err}");
    }
}

/// The quickstart binary next to this test binary, when it was built
/// (`cargo build --example quickstart`, which `cargo test --workspace` does) after the last
/// change to the quickstart or the runtime: an older binary would test older code.
fn quickstart_binary() -> Option<std::path::PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let path = exe.parent()?.parent()?.join("examples").join("quickstart");
    let built = std::fs::metadata(&path).ok()?.modified().ok()?;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent()?;
    let sources = [
        "examples/quickstart.rs",
        "examples/lib.rs",
        "login-runtime/src",
        "login-macros/src",
    ];
    let stale = sources
        .iter()
        .any(|source| newest_change(&root.join(source)) > Some(built));
    (!stale).then_some(path)
}

/// The newest modification time of `path`, or of any file under it.
fn newest_change(path: &std::path::Path) -> Option<std::time::SystemTime> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_dir() {
        return meta.modified().ok();
    }
    std::fs::read_dir(path)
        .ok()?
        .filter_map(|entry| newest_change(&entry.ok()?.path()))
        .max()
}

#[test]
fn the_quickstart_binary_cuts_a_slow_body_after_body_timeout() {
    let Some(binary) = quickstart_binary() else {
        eprintln!(
            "skipped: the quickstart binary is missing or older than its sources (`cargo build --example quickstart`)"
        );
        return;
    };
    let mut child = std::process::Command::new(binary)
        .env_clear()
        .env("PORT", "0")
        .env("SECRET_KEY", KEY)
        .env("BODY_TIMEOUT", "1s")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    std::io::BufRead::read_line(&mut stdout, &mut line).unwrap();
    let port: u16 = line
        .trim_end()
        .trim_end_matches('/')
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no port in {line:?}"));
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let outcome = post_login(addr, Pace::Trickle, Duration::from_secs(1) + SLACK * 2);
    child.kill().unwrap();
    child.wait().unwrap();
    assert_cut(&outcome, Duration::from_secs(1), "binary, trickled body");
    // A bad value ends the process with one line that names the variable, never a panic.
    for bad in ["soon", "0"] {
        let out = std::process::Command::new(quickstart_binary().unwrap())
            .env_clear()
            .env("PORT", "0")
            .env("SECRET_KEY", KEY)
            .env("BODY_TIMEOUT", bad)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "BODY_TIMEOUT={bad}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{bad}: {stderr}");
        assert!(
            stderr.contains("BODY_TIMEOUT") && !stderr.contains("panicked"),
            "{stderr}"
        );
    }
}
