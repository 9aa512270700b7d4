//! The example app in a real browser: headless Chromium driven over WebDriver (chromedriver).
//!
//! It registers, logs in with "remember me", restarts the browser on the same profile (the
//! session cookie is gone, the remember cookie stays), is sent to re-authenticate on the
//! fresh-only settings page, logs out, is refused afterwards, and is brought back to the page it
//! asked for after logging in again. On the way it saves the screenshots of the README
//! (`docs/screenshots/login.png` and `profile.png`).
//!
//! Then two browsers on two profiles (two devices) log in as one user: the first sees both on
//! its "Active sessions" page and logs the second out, whose next page is the login page; the
//! second logs in again and the first logs out "all other devices"; the first logs itself out.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`/usr/bin/chromium`, `/usr/bin/chromedriver`;
//! `CHROME_BIN` and `CHROMEDRIVER` override the paths). Without them the test is skipped with a
//! message, except under `CI=true`, where a missing browser is a failure.

use std::error::Error;
use std::io::Write as _;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use login_example_app::{Config, build};
use serde_json::json;

type TestResult<T = ()> = Result<T, Box<dyn Error>>;

/// Like `assert!`, but returns an error, so the browser is still closed when a check fails
/// (a panic would leave Chromium running).
macro_rules! check {
    ($cond:expr, $($message:tt)+) => {
        if !$cond {
            return Err(format!($($message)+).into());
        }
    };
}

/// Like `assert_eq!` for a page text, returning an error.
macro_rules! check_eq {
    ($actual:expr, $expected:expr) => {{
        let actual = $actual;
        check!(actual == $expected, "expected {:?}, found {actual:?}", $expected);
    }};
}

const PASSWORD: &str = "correct horse battery";

/// The browser and driver binaries; `Ok(None)` (after saying why) when the test is skipped,
/// `Err` when they are missing under `CI=true`.
fn browser_binaries() -> Result<Option<(PathBuf, PathBuf)>, String> {
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
struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    fn start(binary: &Path, log: &Path) -> TestResult<Driver> {
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
async fn open_browser(driver: &Driver, chrome: &Path, profile: &Path) -> TestResult<Client> {
    open_browser_as(driver, chrome, profile, None).await
}

/// Opens a Chromium session on the profile in `profile`, sending `user_agent` if given.
async fn open_browser_as(
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

/// Waits until the page's path is `path` (navigation after a click may take a moment);
/// returns the decoded `next` query parameter, if any.
async fn wait_for_path(client: &Client, path: &str) -> TestResult<Option<String>> {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let url = client.current_url().await?;
        if url.path() == path {
            return Ok(url
                .query_pairs()
                .find(|(k, _)| k == "next")
                .map(|(_, v)| v.into_owned()));
        }
        if Instant::now() > deadline {
            return Err(format!("expected to reach {path}, still at {url}").into());
        }
        actix_rt::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn text_of(client: &Client, css: &str) -> TestResult<String> {
    Ok(client.find(Locator::Css(css)).await?.text().await?)
}

async fn flashes(client: &Client) -> TestResult<String> {
    let mut all = String::new();
    for element in client.find_all(Locator::Css(".flash")).await? {
        all.push_str(&element.text().await?);
        all.push('\n');
    }
    Ok(all)
}

async fn fill(client: &Client, name: &str, value: &str) -> TestResult {
    let field = client.find(Locator::Css(&format!("input[name={name}]"))).await?;
    field.clear().await?;
    field.send_keys(value).await?;
    Ok(())
}

async fn click(client: &Client, css: &str) -> TestResult {
    client.find(Locator::Css(css)).await?.click().await?;
    Ok(())
}

async fn cookie_names(client: &Client) -> TestResult<Vec<String>> {
    Ok(client
        .get_all_cookies()
        .await?
        .iter()
        .map(|c| c.name().to_owned())
        .collect())
}

/// Waits until Chromium has let go of the profile, so the next session can open it.
fn wait_for_profile_unlock(profile: &Path) -> TestResult {
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

fn save_screenshot(png: &[u8], name: &str) -> TestResult {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/screenshots");
    std::fs::create_dir_all(&dir)?;
    if !png.starts_with(b"\x89PNG") {
        return Err(format!("the {name} screenshot is not a PNG").into());
    }
    std::fs::write(dir.join(name), png)?;
    Ok(())
}

/// Opens the profile while logged out: the login page, asking to log in, with `next` set.
async fn profile_asks_to_log_in(client: &Client, base: &str) -> TestResult {
    client.goto(&format!("{base}/profile")).await?;
    let next = wait_for_path(client, "/login").await?;
    check!(
        next.as_deref().is_some_and(|n| n.ends_with("/profile")),
        "{next:?}"
    );
    let flashed = flashes(client).await?;
    check!(
        flashed.contains("Please log in to access this page."),
        "{flashed}"
    );
    Ok(())
}

/// First browser session: register, log in with "remember me", use a fresh-only page.
async fn first_visit(client: &Client, base: &str) -> TestResult {
    client.goto(&format!("{base}/register")).await?;
    fill(client, "username", "alice").await?;
    fill(client, "password", PASSWORD).await?;
    fill(client, "confirm", PASSWORD).await?;
    click(client, "#register").await?;
    wait_for_path(client, "/login").await?;
    let flashed = flashes(client).await?;
    check!(flashed.contains("Your account is ready"), "{flashed}");

    fill(client, "username", "alice").await?;
    fill(client, "password", PASSWORD).await?;
    click(client, "#remember").await?;
    save_screenshot(&client.screenshot().await?, "login.png")?;
    click(client, "#login").await?;
    wait_for_path(client, "/profile").await?;
    check_eq!(text_of(client, "#profile-username").await?, "alice");
    let state = text_of(client, "#login-state").await?;
    check!(state.contains("fresh"), "a password login is fresh: {state}");
    let remember_state = text_of(client, "#remember-state").await?;
    check!(remember_state.contains("On"), "{remember_state}");
    save_screenshot(&client.screenshot().await?, "profile.png")?;

    client.goto(&format!("{base}/settings")).await?;
    wait_for_path(client, "/settings").await?;
    check_eq!(text_of(client, "#settings-title").await?, "Settings");

    let cookies = client.get_all_cookies().await?;
    let session = cookies.iter().find(|c| c.name() == "session");
    let remember = cookies.iter().find(|c| c.name() == "remember_token");
    check!(
        session.is_some_and(|c| c.expires().is_none()),
        "the session cookie lives as long as the browser: {session:?}"
    );
    check!(
        remember.is_some_and(|c| c.expires().is_some() && c.http_only() == Some(true)),
        "the remember cookie is persistent and HttpOnly: {remember:?}"
    );
    Ok(())
}

/// Second browser session on the same profile: remembered, re-authenticate, log out, `next`.
async fn second_visit(client: &Client, base: &str) -> TestResult {
    // A page that does not touch the login state, to look at the cookies the browser kept.
    client.goto(&format!("{base}/healthz")).await?;
    // Cookies without an expiry date end with the browser session (RFC 6265, 5.3). Headless
    // Chromium 156 reloads them from the profile even with session restore off (checked: the
    // profile says `restore_on_startup: 5` and a clean exit); drop them as a browser restart
    // must, so that what logs the user in below can only be the remember cookie.
    // The cookie store may still be loading the profile's cookies: repeat until two reads in a
    // row find no browser-session cookie.
    let mut clean_reads = 0;
    for _ in 0..50 {
        let mut found = false;
        for cookie in client.get_all_cookies().await? {
            if cookie.expires().is_none() {
                found = true;
                eprintln!(
                    "note: Chromium kept the browser-session cookie `{}` across the restart; deleting it",
                    cookie.name()
                );
                client.delete_cookie(cookie.name()).await?;
            }
        }
        clean_reads = if found { 0 } else { clean_reads + 1 };
        if clean_reads == 2 {
            break;
        }
        actix_rt::time::sleep(Duration::from_millis(100)).await;
    }
    let names = cookie_names(client).await?;
    check!(
        !names.iter().any(|n| n == "session"),
        "the session cookie must be gone after a browser restart (is session restore on?): {names:?}"
    );
    check!(
        names.iter().any(|n| n == "remember_token"),
        "the remember cookie survives a browser restart: {names:?}"
    );

    client.goto(&format!("{base}/profile")).await?;
    wait_for_path(client, "/profile").await?;
    check_eq!(text_of(client, "#nav-username").await?, "alice");
    let state = text_of(client, "#login-state").await?;
    check!(
        state.contains("signed in automatically"),
        "the login came from the remember cookie: {state}"
    );

    client.goto(&format!("{base}/settings")).await?;
    let next = wait_for_path(client, "/reauth").await?;
    check!(
        next.as_deref().is_some_and(|n| n.ends_with("/settings")),
        "{next:?}"
    );
    let flashed = flashes(client).await?;
    check!(flashed.contains("Please confirm your password"), "{flashed}");
    fill(client, "password", PASSWORD).await?;
    click(client, "#confirm").await?;
    wait_for_path(client, "/settings").await?;
    check_eq!(text_of(client, "#settings-title").await?, "Settings");

    click(client, "#logout").await?;
    wait_for_path(client, "/").await?;
    let flashed = flashes(client).await?;
    check!(flashed.contains("You have been logged out."), "{flashed}");
    let names = cookie_names(client).await?;
    check!(
        !names.iter().any(|n| n == "session" || n == "remember_token"),
        "logging out deletes both login cookies: {names:?}"
    );

    profile_asks_to_log_in(client, base).await?;
    fill(client, "username", "alice").await?;
    fill(client, "password", PASSWORD).await?;
    click(client, "#login").await?;
    wait_for_path(client, "/profile").await?;
    check_eq!(text_of(client, "#profile-username").await?, "alice");
    Ok(())
}

/// Waits until a flashed message contains `text` (the page after a click may take a moment).
async fn wait_for_flash(client: &Client, text: &str) -> TestResult {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let flashed = flashes(client).await?;
        if flashed.contains(text) {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!("expected a message {text:?}, found {flashed:?}").into());
        }
        actix_rt::time::sleep(Duration::from_millis(50)).await;
    }
}

/// How many elements match `css` on the page.
async fn count(client: &Client, css: &str) -> TestResult<usize> {
    Ok(client.find_all(Locator::Css(css)).await?.len())
}

/// The User-Agent of the second device, so that the first can tell it apart on its page.
const PHONE: &str = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) \
                     Chrome/126.0.0.0 Mobile Safari/537.36";

/// Logs `client` in as bob from the login page.
async fn log_in_bob(client: &Client, base: &str) -> TestResult {
    client.goto(&format!("{base}/login")).await?;
    fill(client, "username", "bob").await?;
    fill(client, "password", PASSWORD).await?;
    click(client, "#login").await?;
    wait_for_path(client, "/profile").await?;
    check_eq!(text_of(client, "#nav-username").await?, "bob");
    Ok(())
}

/// Two devices of one user: the laptop logs the phone out from its "Active sessions" page.
async fn two_devices(laptop: &Client, phone: &Client, base: &str) -> TestResult {
    laptop.goto(&format!("{base}/register")).await?;
    fill(laptop, "username", "bob").await?;
    fill(laptop, "password", PASSWORD).await?;
    fill(laptop, "confirm", PASSWORD).await?;
    click(laptop, "#register").await?;
    wait_for_path(laptop, "/login").await?;
    log_in_bob(laptop, base).await?;
    log_in_bob(phone, base).await?;

    click(laptop, "#nav-sessions").await?;
    wait_for_path(laptop, "/account/sessions").await?;
    check_eq!(text_of(laptop, "#sessions-title").await?, "Active sessions");
    check_eq!(count(laptop, "tr.session").await?, 2);
    check_eq!(count(laptop, "tr.session.current .this-device").await?, 1);
    check_eq!(
        text_of(laptop, "tr.session.current .device-name").await?,
        "Headless Chrome on Linux"
    );
    check_eq!(
        text_of(laptop, "tr.session:not(.current) .device-name").await?,
        "Chrome on Android"
    );
    check_eq!(text_of(laptop, "tr.session:not(.current) .ua").await?, PHONE);

    // "Log out" on the phone's row.
    click(laptop, "tr.session:not(.current) button.revoke").await?;
    wait_for_flash(laptop, "Logged out Chrome on Android").await?;
    check_eq!(count(laptop, "tr.session").await?, 1);
    check_eq!(count(laptop, "#no-others").await?, 1);

    // The phone's next page: the login page, though it still holds its session cookie.
    let names = cookie_names(phone).await?;
    check!(names.iter().any(|n| n == "session"), "{names:?}");
    profile_asks_to_log_in(phone, base).await?;
    laptop.goto(&format!("{base}/profile")).await?;
    wait_for_path(laptop, "/profile").await?;
    check_eq!(text_of(laptop, "#profile-username").await?, "bob");

    // The phone logs in again; the laptop logs out every other device.
    log_in_bob(phone, base).await?;
    click(laptop, "#sessions-link").await?;
    wait_for_path(laptop, "/account/sessions").await?;
    check_eq!(count(laptop, "tr.session").await?, 2);
    click(laptop, "#revoke-others").await?;
    wait_for_flash(laptop, "Logged out 1 other device.").await?;
    check_eq!(count(laptop, "tr.session").await?, 1);
    phone.goto(&format!("{base}/settings")).await?;
    wait_for_path(phone, "/login").await?;

    // The laptop logs itself out from the page.
    click(laptop, "tr.session.current button.revoke").await?;
    wait_for_path(laptop, "/").await?;
    wait_for_flash(laptop, "You have been logged out on this device.").await?;
    let names = cookie_names(laptop).await?;
    check!(!names.iter().any(|n| n == "session"), "{names:?}");
    laptop.goto(&format!("{base}/account/sessions")).await?;
    wait_for_path(laptop, "/login").await?;
    Ok(())
}

async fn run(driver_bin: &Path, chrome: &Path) -> TestResult {
    let temp = tempfile::tempdir()?;
    let profile = temp.path().join("profile");
    std::fs::create_dir_all(&profile)?;
    let running = build(Config {
        database_url: "sqlite::memory:".to_owned(),
        secret_key: b"browser test key, at least thirty-two bytes long".to_vec(),
        // The app serves plain http on 127.0.0.1, and browsers do not send `Secure` cookies
        // over plain http: with them on, no login would stick. Production serves https and
        // keeps them on.
        secure_cookies: false,
        host: "127.0.0.1".to_owned(),
        port: 0,
        workers: Some(1),
    })
    .await?;
    let base = format!("http://{}", running.addr);
    let server = running.server.handle();
    actix_rt::spawn(running.server);
    let driver = Driver::start(driver_bin, &temp.path().join("chromedriver.log"))?;

    let client = open_browser(&driver, chrome, &profile).await?;
    let first = first_visit(&client, &base).await;
    client.close().await?;
    first?;
    wait_for_profile_unlock(&profile)?;

    let client = open_browser(&driver, chrome, &profile).await?;
    let second = second_visit(&client, &base).await;
    client.close().await?;
    second?;

    // Two more devices, each on its own profile, open at the same time.
    let (laptop_profile, phone_profile) = (temp.path().join("laptop"), temp.path().join("phone"));
    std::fs::create_dir_all(&laptop_profile)?;
    std::fs::create_dir_all(&phone_profile)?;
    let laptop = open_browser(&driver, chrome, &laptop_profile).await?;
    let phone = match open_browser_as(&driver, chrome, &phone_profile, Some(PHONE)).await {
        Ok(phone) => phone,
        Err(e) => {
            laptop.close().await?;
            return Err(e);
        }
    };
    let devices = two_devices(&laptop, &phone, &base).await;
    let closed = (laptop.close().await, phone.close().await);
    devices?;
    closed.0?;
    closed.1?;

    drop(driver);
    server.stop(true).await;
    Ok(())
}

#[actix_web::test]
async fn browser_login_flow() {
    let (driver, chrome) = match browser_binaries() {
        Ok(Some(binaries)) => binaries,
        Ok(None) => return,
        Err(message) => panic!("{message}"),
    };
    match actix_rt::time::timeout(Duration::from_secs(180), run(&driver, &chrome)).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => panic!("browser test failed: {e}"),
        Err(_) => panic!("browser test did not finish within 180 s"),
    }
}
