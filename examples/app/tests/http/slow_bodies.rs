//! A request body that stalls, or trickles in a byte every 100 ms, is answered 408 with
//! `Connection: close` at the app's body deadline, and the connection is closed; a body that
//! arrives in time is served. Raw `TcpStream` clients over loopback against the real server
//! (`serve`, as `main` starts it), with a short deadline so the test is quick.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use login_example_app::{DEFAULT_BODY_TIMEOUT, prepare, serve};

use super::config;

const LIMIT: Duration = Duration::from_millis(600);
/// How late after the deadline the 408 may come (a loaded 2-core machine).
const SLACK: Duration = Duration::from_secs(3);

/// What a raw client saw: the response head (lower-cased), when it came, and whether the
/// server then closed the connection.
struct Outcome {
    head: Option<String>,
    answered_after: Duration,
    closed: bool,
}

/// Posts a 29-byte login form to `/login`, all at once, one byte every 100 ms (`trickle`), or
/// not at all after the head (`stall`), and reads until the server closes or `give_up` passes.
fn post(addr: SocketAddr, pace: &str, give_up: Duration) -> Outcome {
    let body = b"username=ann&password=secret";
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_millis(100)))
        .expect("read timeout");
    let head = format!(
        "POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).expect("send the head");
    let start = Instant::now();
    if pace == "at once" {
        stream.write_all(body).expect("send the body");
    }
    let (mut sent, mut received, mut answered) = (0, Vec::new(), None);
    let mut chunk = [0u8; 4096];
    let closed = loop {
        if start.elapsed() > give_up {
            break false;
        }
        match stream.read(&mut chunk) {
            Ok(0) => break true,
            Ok(n) => received.extend_from_slice(&chunk[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(_) => break true,
        }
        if answered.is_none() && received.windows(4).any(|w| w == b"\r\n\r\n") {
            answered = Some(start.elapsed());
            if pace == "at once" {
                break false;
            }
        }
        if pace == "trickle" && answered.is_none() && sent < body.len() {
            // The server may already be closing; a failed write shows up in the next read.
            let _ = stream.write_all(&body[sent..=sent]);
            sent += 1;
        }
    };
    let text = String::from_utf8_lossy(&received).to_ascii_lowercase();
    Outcome {
        head: answered.and_then(|_| text.split("\r\n\r\n").next().map(str::to_owned)),
        answered_after: answered.unwrap_or_else(|| start.elapsed()),
        closed,
    }
}

#[actix_web::test]
async fn a_stalled_or_trickling_body_gets_408_and_its_connection_closed() {
    assert_eq!(DEFAULT_BODY_TIMEOUT, Duration::from_secs(10));
    let config = config();
    let shared = prepare(&config).await.expect("the app starts");
    let running = serve(&config, shared.with_body_timeout(LIMIT)).expect("the server binds");
    let (addr, handle) = (running.addr, running.server.handle());
    actix_web::rt::spawn(running.server);
    for pace in ["stall", "trickle"] {
        let outcome = actix_web::web::block(move || post(addr, pace, LIMIT + SLACK * 2))
            .await
            .expect("the client thread");
        let head = outcome.head.unwrap_or_default();
        assert!(head.starts_with("http/1.1 408"), "{pace}: {head}");
        assert!(head.contains("\r\nconnection: close"), "{pace}: {head}");
        assert!(
            outcome.answered_after >= LIMIT.mul_f32(0.9) && outcome.answered_after <= LIMIT + SLACK,
            "{pace}: answered after {:?}",
            outcome.answered_after
        );
        assert!(outcome.closed, "{pace}: the connection stays open");
    }
    // In time: the form is read and answered (403: this raw client has no CSRF token), and
    // the connection stays open.
    let outcome = actix_web::web::block(move || post(addr, "at once", SLACK))
        .await
        .expect("the client thread");
    let head = outcome.head.unwrap_or_default();
    assert!(head.starts_with("http/1.1 403"), "{head}");
    assert!(!head.contains("connection: close") && !outcome.closed, "{head}");
    handle.stop(false).await;
}
