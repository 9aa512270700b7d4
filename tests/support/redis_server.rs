//! A throwaway `redis-server` for tests: its own process on a free loopback port, no
//! persistence, killed when the handle drops.
//!
//! Include it in a test file with
//! `#[path = "../support/redis_server.rs"] mod redis_server;` (from `tests/tests/*.rs`).
//! It needs only `std`: it starts the server with [`std::process`] and talks to it with a few
//! lines of RESP over a [`TcpStream`], so it does not depend on the async client it tests.
//!
//! ```ignore
//! let Some(server) = RedisServer::start() else { return }; // not installed: skipped
//! let store = RedisStore::new(&server.url())?;
//! server.stop();          // Redis goes away...
//! server.start_again();   // ...and comes back on the same port (empty)
//! ```
//!
//! Without `redis-server` on the `PATH`, [`RedisServer::start`] returns `None` and prints one
//! line saying the Redis tests are skipped, except under CI (`CI=true`), where it panics: CI
//! must install it (`apt-get install -y redis-server`).
//!
//! Its calls block (briefly: loopback only); call them from async tests between awaits.
// Each test binary uses its own part of the harness, and a failed harness step fails the test.
#![allow(dead_code, clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::io::{self, BufRead, BufReader, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Once;
use std::time::{Duration, Instant};

/// The server binary.
const SERVER: &str = "redis-server";
/// How long a start may take before it counts as failed.
const START_TIMEOUT: Duration = Duration::from_secs(10);
/// How long one harness command may take.
const IO_TIMEOUT: Duration = Duration::from_secs(5);

/// A `redis-server` child process on `127.0.0.1`.
#[derive(Debug)]
pub(crate) struct RedisServer {
    port: u16,
    /// Extra `redis-server` arguments, given again by [`start_again`](Self::start_again).
    args: Vec<String>,
    /// The password given with `--requirepass`, for the harness's own connections.
    password: Option<String>,
    /// The running server, `None` while stopped.
    child: Option<Child>,
    /// The server's working directory (it writes nothing there with persistence off).
    dir: PathBuf,
}

/// A RESP reply, as the harness reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Reply {
    /// `+OK`
    Status(String),
    /// `-ERR ...`
    Error(String),
    /// `:1`
    Int(i64),
    /// `$3\r\nabc` (`None` for a nil bulk).
    Bulk(Option<Vec<u8>>),
    /// `*2 ...` (`None` for a nil array).
    Array(Option<Vec<Reply>>),
}

impl Reply {
    /// The integer of an integer reply; panics on anything else.
    pub(crate) fn int(&self) -> i64 {
        match self {
            Reply::Int(n) => *n,
            other => panic!("expected an integer reply, got {other:?}"),
        }
    }

    /// The text of a status or bulk reply; panics on anything else.
    pub(crate) fn text(&self) -> String {
        match self {
            Reply::Status(s) => s.clone(),
            Reply::Bulk(Some(b)) => String::from_utf8_lossy(b).into_owned(),
            other => panic!("expected a text reply, got {other:?}"),
        }
    }

    /// The elements of an array reply, as text; panics on anything else.
    pub(crate) fn texts(&self) -> Vec<String> {
        match self {
            Reply::Array(Some(items)) => items.iter().map(Reply::text).collect(),
            other => panic!("expected an array reply, got {other:?}"),
        }
    }
}

impl RedisServer {
    /// Starts a server on a free loopback port and waits until it answers `PING`; `None` when
    /// `redis-server` is not installed (outside CI).
    pub(crate) fn start() -> Option<RedisServer> {
        RedisServer::start_with(&[])
    }

    /// [`start`](Self::start) with extra `redis-server` arguments, e.g.
    /// `&["--requirepass", "secret"]` (the harness then authenticates its own commands).
    pub(crate) fn start_with(args: &[&str]) -> Option<RedisServer> {
        if !installed() {
            return None;
        }
        let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
        let password = args
            .iter()
            .position(|a| a == "--requirepass")
            .and_then(|i| args.get(i + 1).cloned());
        let mut last_error = String::new();
        // The free port may be taken between finding and binding it: try a few.
        for _ in 0..5 {
            let port = free_port();
            let mut server = RedisServer {
                port,
                args: args.clone(),
                password: password.clone(),
                child: None,
                dir: std::env::temp_dir(),
            };
            match server.spawn() {
                Ok(()) => return Some(server),
                Err(e) => last_error = e,
            }
        }
        panic!("redis-server did not start: {last_error}");
    }

    /// `redis://127.0.0.1:<port>` (with the password, if the server has one).
    pub(crate) fn url(&self) -> String {
        match &self.password {
            Some(p) => format!("redis://:{p}@127.0.0.1:{}", self.port),
            None => format!("redis://127.0.0.1:{}", self.port),
        }
    }

    /// The server's port.
    pub(crate) fn port(&self) -> u16 {
        self.port
    }

    /// The server's process id, while it runs.
    pub(crate) fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Whether the server process is running.
    pub(crate) fn is_running(&self) -> bool {
        self.child.is_some()
    }

    /// Makes the server hold every client's commands for `duration` (`CLIENT PAUSE .. ALL`),
    /// like a server stalled by a slow command or a fork.
    pub(crate) fn pause(&self, duration: Duration) {
        let ms = duration.as_millis().to_string();
        let reply = self.command(&["CLIENT", "PAUSE", &ms, "ALL"]);
        assert_eq!(reply, Reply::Status("OK".into()), "CLIENT PAUSE failed");
    }

    /// Kills the server (`SIGKILL`, by its pid) and waits for it: it is gone at once, as after a
    /// crash, and its data with it.
    pub(crate) fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        // The port is closed once the process is reaped; make sure nothing answers any more.
        let deadline = Instant::now() + START_TIMEOUT;
        while TcpStream::connect_timeout(&self.addr(), Duration::from_millis(100)).is_ok() {
            assert!(
                Instant::now() < deadline,
                "redis-server on port {} did not stop",
                self.port
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Starts the server again on the same port (empty: there is no persistence) and waits
    /// until it answers. Panics if it cannot.
    pub(crate) fn start_again(&mut self) {
        assert!(self.child.is_none(), "start_again while the server runs");
        if let Err(e) = self.spawn() {
            panic!("redis-server did not start again on port {}: {e}", self.port);
        }
    }

    /// How many keys the database holds (`DBSIZE`).
    pub(crate) fn dbsize(&self) -> i64 {
        self.command(&["DBSIZE"]).int()
    }

    /// Sends one command on a new connection and reads its reply: `server.command(&["TTL", key])`.
    /// Panics if the server does not answer.
    pub(crate) fn command(&self, args: &[&str]) -> Reply {
        match self.try_command(args) {
            Ok(reply) => reply,
            Err(e) => panic!("redis-server on port {}: {args:?} failed: {e}", self.port),
        }
    }

    /// [`command`](Self::command) that reports a failure instead of panicking.
    pub(crate) fn try_command(&self, args: &[&str]) -> io::Result<Reply> {
        let stream = TcpStream::connect_timeout(&self.addr(), IO_TIMEOUT)?;
        stream.set_read_timeout(Some(IO_TIMEOUT))?;
        stream.set_write_timeout(Some(IO_TIMEOUT))?;
        let mut reader = BufReader::new(stream.try_clone()?);
        let mut writer = stream;
        if let Some(p) = &self.password {
            writer.write_all(&encode(&["AUTH", p]))?;
            match read_reply(&mut reader)? {
                Reply::Status(_) => {}
                other => return Err(io::Error::other(format!("AUTH failed: {other:?}"))),
            }
        }
        writer.write_all(&encode(args))?;
        read_reply(&mut reader)
    }

    fn addr(&self) -> SocketAddr {
        SocketAddr::from((Ipv4Addr::LOCALHOST, self.port))
    }

    /// Starts the process on `self.port` and waits for `PONG`.
    fn spawn(&mut self) -> Result<(), String> {
        let mut command = Command::new(SERVER);
        command
            .args(["--port", &self.port.to_string()])
            .args(["--bind", "127.0.0.1"])
            .args(["--save", ""])
            .args(["--appendonly", "no"])
            .args(["--daemonize", "no"])
            .args(["--logfile", ""])
            .arg("--dir")
            .arg(&self.dir)
            .args(&self.args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let child = command.spawn().map_err(|e| format!("cannot run {SERVER}: {e}"))?;
        self.child = Some(child);
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if let Some(child) = self.child.as_mut()
                && let Ok(Some(status)) = child.try_wait()
            {
                self.child = None;
                return Err(format!("it exited with {status} (port {} taken?)", self.port));
            }
            match self.try_command(&["PING"]) {
                // Another test's server may hold the port: only our own child counts.
                Ok(Reply::Status(s)) if s == "PONG" => {
                    let ours = self.pid().map(|pid| format!("process_id:{pid}\r\n"));
                    let info = self.try_command(&["INFO", "server"]).map(|r| r.text());
                    if let (Some(ours), Ok(info)) = (ours, info)
                        && info.contains(&ours)
                    {
                        return Ok(());
                    }
                    self.stop();
                    return Err(format!("port {} answered for another server", self.port));
                }
                _ if Instant::now() > deadline => {
                    self.stop();
                    return Err(format!("no PONG within {START_TIMEOUT:?}"));
                }
                _ => std::thread::sleep(Duration::from_millis(10)),
            }
        }
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Whether `redis-server` can be run; outside CI, says once that the Redis tests are skipped.
fn installed() -> bool {
    let found = Command::new(SERVER)
        .arg("--version")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if found {
        return true;
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("CI must install redis-server: apt-get install -y redis-server");
    }
    static SAID: Once = Once::new();
    SAID.call_once(|| {
        // Straight to stderr: the test harness would capture `eprintln!` and show it only on failure.
        let _ = writeln!(
            io::stderr(),
            "skipping the Redis tests: redis-server is not installed (apt-get install -y redis-server)"
        );
    });
    false
}

/// A loopback port nothing listens on (at the time of asking).
fn free_port() -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind a free loopback port");
    listener.local_addr().expect("the bound port").port()
}

/// `args` as a RESP array of bulk strings.
fn encode(args: &[&str]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", args.len()).into_bytes();
    for arg in args {
        out.extend_from_slice(format!("${}\r\n", arg.len()).as_bytes());
        out.extend_from_slice(arg.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// Reads one RESP2 reply.
fn read_reply(reader: &mut impl BufRead) -> io::Result<Reply> {
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "the server closed the connection",
        ));
    }
    let line = line.trim_end_matches(['\r', '\n']);
    let bad = || io::Error::new(io::ErrorKind::InvalidData, format!("not a RESP reply: {line:?}"));
    let (kind, rest) = line.split_at_checked(1).ok_or_else(bad)?;
    let number = || rest.parse::<i64>().map_err(|_| bad());
    Ok(match kind {
        "+" => Reply::Status(rest.to_owned()),
        "-" => Reply::Error(rest.to_owned()),
        ":" => Reply::Int(number()?),
        "$" => match usize::try_from(number()?) {
            Err(_) => Reply::Bulk(None),
            Ok(len) => {
                let mut data = vec![0; len + 2];
                reader.read_exact(&mut data)?;
                data.truncate(len);
                Reply::Bulk(Some(data))
            }
        },
        "*" => match usize::try_from(number()?) {
            Err(_) => Reply::Array(None),
            Ok(len) => Reply::Array(Some(
                (0..len).map(|_| read_reply(reader)).collect::<io::Result<_>>()?,
            )),
        },
        _ => return Err(bad()),
    })
}
