//! The window under test: a private X display, tauri-driver in front of WebKitWebDriver, and
//! the built `flowloom-desktop` on a given workspace; plus reaching that workspace's store from
//! beside the app.

use super::webdriver::Session;
use flowloom_core::Workspace;
use std::net::TcpListener;
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The app open on `workspace`, driven through WebDriver. Fields drop in order: the session
/// (closing the app), then the driver, then the display.
pub struct App {
    session: Session,
    _driver: TauriDriver,
    display: Xvfb,
}

impl App {
    pub fn open(workspace: &Path) -> Self {
        Self::open_with_env(workspace, &[])
    }

    /// The app open on `workspace` with `env` added to its process environment (a password a
    /// data source names, say), as a user's shell would have exported it.
    pub fn open_with_env(workspace: &Path, env: &[(&str, &str)]) -> Self {
        let display = Xvfb::start();
        let driver = TauriDriver::start(&display, env);
        let session = Session::start(
            driver.port,
            &display.display,
            Path::new(env!("CARGO_BIN_EXE_flowloom-desktop")),
            &["--workspace".into(), workspace.display().to_string()],
        );
        Self {
            session,
            _driver: driver,
            display,
        }
    }

    /// Answers the native file dialog titled `title` (GTK's; WebDriver cannot reach it) with
    /// `path`, as a user would: types the path into it and presses Enter (xdotool).
    pub fn answer_file_dialog(&self, title: &str, path: &Path) {
        let xdotool = |args: &[&str]| {
            let out = Command::new("xdotool")
                .args(args)
                .env("DISPLAY", &self.display.display)
                .output()
                .expect("run xdotool (Debian package xdotool)");
            String::from_utf8_lossy(&out.stdout).trim().to_owned()
        };
        let mut dialog = String::new();
        assert!(
            eventually(Duration::from_secs(20), || {
                dialog = xdotool(&["search", "--onlyvisible", "--name", title]);
                !dialog.is_empty()
            }),
            "no file dialog titled {title:?} opened"
        );
        let window = dialog.lines().next().unwrap_or_default().to_owned();
        xdotool(&["windowfocus", "--sync", &window]);
        // Ctrl+L opens the open dialog's location field (the save dialog's name field already
        // is one); the path replaces whatever it holds. A busy machine may still be drawing the
        // field, hence the pauses.
        let pause = || std::thread::sleep(Duration::from_millis(500));
        pause();
        xdotool(&["key", "--clearmodifiers", "ctrl+l"]);
        pause();
        xdotool(&["key", "--clearmodifiers", "ctrl+a"]);
        xdotool(&["type", "--delay", "20", &path.display().to_string()]);
        pause();
        // Enter; again if a completion popup took the first one.
        let open = || !xdotool(&["search", "--onlyvisible", "--name", title]).is_empty();
        for _ in 0..3 {
            xdotool(&["key", "Return"]);
            if eventually(Duration::from_secs(2), || !open()) {
                return;
            }
        }
        panic!("the file dialog {title:?} did not take {}", path.display());
    }
}

impl App {
    /// Closes the window as a user does with its × (a window manager sends it
    /// WM_DELETE_WINDOW; there is none under Xvfb, so the test does), and waits until the
    /// app's process has ended. The app lets the window go once it has done what closing asks.
    pub fn close_window(&self, workspace: &Path) {
        use x11rb::connection::Connection as _;
        use x11rb::protocol::xproto::{ClientMessageEvent, ConnectionExt as _, EventMask};
        let found = Command::new("xdotool")
            .args(["search", "--onlyvisible", "--name", "^Flowloom$"])
            .env("DISPLAY", &self.display.display)
            .output()
            .expect("run xdotool (Debian package xdotool)");
        let window: u32 = String::from_utf8_lossy(&found.stdout)
            .lines()
            .next()
            .and_then(|id| id.trim().parse().ok())
            .expect("the app's window on the display");
        let (conn, _) =
            x11rb::connect(Some(&self.display.display)).expect("connect to the display");
        let atom = |name: &[u8]| {
            conn.intern_atom(false, name)
                .expect("ask for an atom")
                .reply()
                .expect("an atom")
                .atom
        };
        let (protocols, delete) = (atom(b"WM_PROTOCOLS"), atom(b"WM_DELETE_WINDOW"));
        let message = ClientMessageEvent::new(
            32,
            window,
            protocols,
            [delete, x11rb::CURRENT_TIME, 0, 0, 0],
        );
        conn.send_event(false, window, EventMask::NO_EVENT, message)
            .expect("send the close request");
        conn.flush().expect("deliver the close request");
        let running = || {
            Command::new("pgrep")
                .args(["-f", &workspace.display().to_string()])
                .status()
                .is_ok_and(|status| status.success())
        };
        assert!(
            eventually(Duration::from_secs(20), || !running()),
            "the app did not exit after its window was asked to close"
        );
    }
}

impl Deref for App {
    type Target = Session;

    fn deref(&self) -> &Session {
        &self.session
    }
}

/// Where the tests' screenshots go (created if missing).
pub fn screenshots() -> PathBuf {
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("e2e");
    std::fs::create_dir_all(&shots).expect("screenshot dir");
    shots
}

/// Runs `work` on the app's workspace store from beside the app, as another process would.
pub fn in_workspace<T, F, Fut>(dir: &Path, work: F) -> T
where
    F: FnOnce(flowloom_core::Store) -> Fut,
    Fut: std::future::Future<Output = T>,
{
    tokio::runtime::Runtime::new()
        .expect("runtime")
        .block_on(async {
            let ws = Workspace::open(dir)
                .await
                .expect("open workspace beside the app");
            work(ws.store().clone()).await
        })
}

pub fn eventually(timeout: Duration, mut check: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < timeout {
        if check() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    false
}

/// A private X display for this test, so it runs the same on a desktop and in CI.
struct Xvfb {
    child: Child,
    display: String,
}

impl Xvfb {
    /// Starts Xvfb on a display it picks itself (`-displayfd`): tests starting side by side
    /// can never race for the same number.
    fn start() -> Self {
        use std::io::BufRead;
        let mut child = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                "1280x800x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start Xvfb (apt-get install xvfb; `make test` installs it)");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().expect("Xvfb's stdout"))
            .read_line(&mut line)
            .expect("Xvfb names its display");
        let number: u32 = line.trim().parse().expect("a display number from Xvfb");
        let socket = PathBuf::from(format!("/tmp/.X11-unix/X{number}"));
        assert!(
            eventually(Duration::from_secs(10), || socket.exists()),
            "Xvfb :{number} did not start"
        );
        Self {
            child,
            display: format!(":{number}"),
        }
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        // Killed, Xvfb cannot remove its lock and socket: do it for it.
        let number = self.display.trim_start_matches(':');
        let _ = std::fs::remove_file(format!("/tmp/.X{number}-lock"));
        let _ = std::fs::remove_file(format!("/tmp/.X11-unix/X{number}"));
    }
}

struct TauriDriver {
    child: Child,
    port: u16,
    /// The XDG data, cache and config folders of this driver, its WebKitWebDriver and the
    /// app they start: no WebKit state is shared with other runs of the app.
    _xdg: tempfile::TempDir,
}

impl TauriDriver {
    /// `env` goes to the driver, and so to WebKitWebDriver and the app it starts.
    fn start(display: &Xvfb, env: &[(&str, &str)]) -> Self {
        let (port, native_port) = (free_port(), free_port());
        let xdg = tempfile::tempdir().expect("XDG folders");
        let program = which("tauri-driver")
            .expect("tauri-driver not found: `cargo install tauri-driver --locked` (`make test` installs it)");
        let child = Command::new(program)
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .env("DISPLAY", &display.display)
            .env("XDG_DATA_HOME", xdg.path().join("data"))
            .env("XDG_CACHE_HOME", xdg.path().join("cache"))
            .env("XDG_CONFIG_HOME", xdg.path().join("config"))
            .envs(env.iter().copied())
            // Its WebKitWebDriver child inherits these: never the test's own pipes.
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start tauri-driver");
        Self {
            child,
            port,
            _xdg: xdg,
        }
    }
}

impl Drop for TauriDriver {
    /// SIGTERM first: tauri-driver then stops the WebKitWebDriver it started, which a
    /// SIGKILL would leave behind.
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let stopped = eventually(Duration::from_secs(5), || {
            matches!(self.child.try_wait(), Ok(Some(_)))
        });
        if !stopped {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port()
}

fn which(program: &str) -> Option<PathBuf> {
    let cargo_bin = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .map(|home| home.join("bin"));
    std::env::var_os("PATH")
        .into_iter()
        .flat_map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .chain(cargo_bin)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}
