//! Chromium and chromedriver for the browser test: finding them (or skipping), starting the
//! driver, opening a browser on a profile, waiting for a closed browser to release its profile.

use std::io::Write as _;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

use super::TestResult;

/// The browser and driver binaries; `Ok(None)` (after saying why) when the test is skipped,
/// `Err` when they are missing under `CI=true`.
pub(crate) fn browser_binaries() -> Result<Option<(PathBuf, PathBuf)>, String> {
    let pick = |var: &str, default: &str| {
        std::env::var_os(var)
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(default))
    };
    let driver = pick("CHROMEDRIVER", "/usr/bin/chromedriver");
    let chrome = pick("CHROME_BIN", "/usr/bin/chromium");
    let missing: Vec<String> = [&driver, &chrome]
        .into_iter()
        .filter(|p| !p.is_file())
        .map(|p| p.display().to_string())
        .collect();
    if missing.is_empty() {
        return Ok(Some((driver, chrome)));
    }
    let message = format!(
        "the browser test needs Chromium and chromedriver, and {} not found; install them with \
         `apt-get install -y chromium chromium-driver` (or set CHROME_BIN and CHROMEDRIVER)",
        missing.join(" and ")
    );
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        return Err(format!("CI=true: {message}"));
    }
    // Straight to stderr, not `eprintln!`: the test harness hides what passing tests print.
    let _ = writeln!(std::io::stderr(), "SKIPPED browser_login_flow: {message}");
    Ok(None)
}

/// A free port on loopback (bound, then released for chromedriver to take).
fn free_port() -> TestResult<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// chromedriver, started by the test and killed when dropped.
pub(crate) struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    pub(crate) fn start(binary: &Path, log: &Path) -> TestResult<Driver> {
        let port = free_port()?;
        let child = Command::new(binary)
            .arg(format!("--port={port}"))
            .arg(format!("--log-path={}", log.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        let driver = Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
            if Instant::now() > deadline {
                return Err("chromedriver did not start listening within 20 s".into());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(driver)
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Opens a Chromium session on the profile in `profile`.
pub(crate) async fn open_browser(driver: &Driver, chrome: &Path, profile: &Path) -> TestResult<Client> {
    open_browser_as(driver, chrome, profile, None).await
}

/// Opens a Chromium session on the profile in `profile`, sending `user_agent` if given.
pub(crate) async fn open_browser_as(
    driver: &Driver,
    chrome: &Path,
    profile: &Path,
    user_agent: Option<&str>,
) -> TestResult<Client> {
    let mut args = vec![
        "--headless".to_owned(),
        "--no-sandbox".to_owned(),
        "--disable-gpu".to_owned(),
        "--disable-quic".to_owned(),
        "--no-first-run".to_owned(),
        "--disable-background-networking".to_owned(),
        "--disable-component-update".to_owned(),
        "--disable-sync".to_owned(),
        "--disable-dev-shm-usage".to_owned(),
        "--password-store=basic".to_owned(),
        "--window-size=960,800".to_owned(),
        format!("--user-data-dir={}", profile.display()),
    ];
    if let Some(agent) = user_agent {
        args.push(format!("--user-agent={agent}"));
    }
    let capabilities = json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": chrome.display().to_string(),
            // The machine has no network: without these, Chromium stalls on connection attempts
            // (updates, sync, QUIC probes). `--no-sandbox` because CI runs as root.
            "args": args,
            // Start with a new tab page, never "continue where you left off", which would bring
            // session cookies back and hide what the remember cookie does.
            "prefs": { "session": { "restore_on_startup": 5 } },
        },
    });
    let serde_json::Value::Object(capabilities) = capabilities else {
        return Err("capabilities must be an object".into());
    };
    let client = ClientBuilder::new(HttpConnector::new())
        .capabilities(capabilities)
        .connect(&driver.url)
        .await?;
    Ok(client)
}

/// Waits until Chromium has let go of the profile, so the next session can open it.
pub(crate) fn wait_for_profile_unlock(profile: &Path) -> TestResult {
    let lock = profile.join("SingletonLock");
    let deadline = Instant::now() + Duration::from_secs(15);
    while lock.symlink_metadata().is_ok() {
        if Instant::now() > deadline {
            return Err("Chromium did not release its profile within 15 s".into());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok(())
}
