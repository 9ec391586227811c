//! Just enough of the W3C WebDriver protocol to drive the app: a session, finding elements
//! by CSS, reading text, clicking, and screenshots.

use base64::Engine as _;
use serde_json::{Value, json};
use std::path::Path;
use std::time::{Duration, Instant};

/// The key under which WebDriver returns an element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

pub struct Session {
    base: String,
    id: String,
}

pub struct Element(String);

impl Session {
    /// Starts the app through tauri-driver, retrying while the driver comes up.
    pub fn start(port: u16, application: &Path, args: &[String]) -> Self {
        let base = format!("http://127.0.0.1:{port}");
        let capabilities = json!({
            "capabilities": {
                "alwaysMatch": { "tauri:options": { "application": application, "args": args } }
            }
        });
        let start = Instant::now();
        loop {
            match ureq::post(&format!("{base}/session")).send_json(capabilities.clone()) {
                Ok(response) => {
                    let body: Value = response.into_json().expect("session json");
                    let id = body["value"]["sessionId"]
                        .as_str()
                        .expect("session id")
                        .to_owned();
                    return Self { base, id };
                }
                Err(ureq::Error::Transport(_)) if start.elapsed() < Duration::from_secs(30) => {
                    std::thread::sleep(Duration::from_millis(200));
                }
                Err(err) => panic!("could not start a WebDriver session: {}", describe(err)),
            }
        }
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}/session/{}{path}", self.base, self.id);
        let request = ureq::request(method, &url);
        let response = match body {
            Some(body) => request.send_json(body),
            None => request.call(),
        };
        match response {
            Ok(response) => response.into_json::<Value>().expect("webdriver json")["value"].take(),
            Err(err) => panic!("WebDriver {method} {path} failed: {}", describe(err)),
        }
    }

    pub fn find_all(&self, css: &str) -> Vec<Element> {
        let found = self.call(
            "POST",
            "/elements",
            Some(json!({ "using": "css selector", "value": css })),
        );
        let elements = found
            .as_array()
            .unwrap_or_else(|| panic!("finding `{css}` answered {found}"));
        elements
            .iter()
            .map(|e| match e[ELEMENT].as_str() {
                Some(id) => Element(id.to_owned()),
                None => panic!("finding `{css}` answered an element without an id: {e}"),
            })
            .collect()
    }

    #[track_caller]
    pub fn find_one(&self, css: &str) -> Element {
        let mut found = self.find_all(css);
        assert_eq!(found.len(), 1, "expected one element for `{css}`");
        found.remove(0)
    }

    /// Waits until at least `count` elements match, and returns them.
    #[track_caller]
    pub fn wait_for(&self, css: &str, count: usize, timeout: Duration) -> Vec<Element> {
        let start = Instant::now();
        loop {
            let found = self.find_all(css);
            if found.len() >= count {
                return found;
            }
            assert!(
                start.elapsed() < timeout,
                "waited {timeout:?} for {count} × `{css}`, saw {}",
                found.len()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Waits until the elements matching `css` show exactly `expected` (in any order).
    #[track_caller]
    pub fn wait_for_texts(&self, css: &str, expected: &[&str], timeout: Duration) {
        let mut want: Vec<&str> = expected.to_vec();
        want.sort_unstable();
        let start = Instant::now();
        loop {
            let mut seen = self.texts(css);
            seen.sort();
            if seen == want {
                return;
            }
            if start.elapsed() > timeout {
                let shot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("e2e-failure.png");
                self.screenshot(&shot);
                panic!(
                    "waited {timeout:?} for `{css}` to show {want:?}, saw {seen:?} (screen: {})",
                    shot.display()
                );
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// The element's rendered text. WebKitWebDriver's own answer is "" for some visible
    /// elements (it thinks an ellipsis-clipped heading is not displayed); the page's
    /// `innerText`, which is layout-aware, then says what the user reads.
    pub fn text(&self, element: &Element) -> String {
        let rendered = self.call("GET", &format!("/element/{}/text", element.0), None);
        let rendered = rendered.as_str().unwrap_or_default().trim().to_owned();
        if !rendered.is_empty() {
            return rendered;
        }
        let script =
            json!({ "script": "return arguments[0].innerText;", "args": [{ ELEMENT: element.0 }] });
        let inner = self.call("POST", "/execute/sync", Some(script));
        inner.as_str().unwrap_or_default().trim().to_owned()
    }

    pub fn texts(&self, css: &str) -> Vec<String> {
        self.find_all(css).iter().map(|e| self.text(e)).collect()
    }

    pub fn click(&self, element: &Element) {
        self.call(
            "POST",
            &format!("/element/{}/click", element.0),
            Some(json!({})),
        );
    }

    /// Runs `script` in the page as an async WebDriver script (it ends by calling its last
    /// argument with the result) and returns that result.
    pub fn execute_async(&self, script: &str) -> serde_json::Value {
        self.call(
            "POST",
            "/execute/async",
            Some(json!({ "script": script, "args": [] })),
        )
    }

    /// Saves what the window shows, once the page has painted its latest DOM (WebKit can
    /// otherwise hand back the previous frame).
    pub fn screenshot(&self, path: &Path) {
        let settle = "const done = arguments[arguments.length - 1];
                      requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 100)));";
        self.call(
            "POST",
            "/execute/async",
            Some(json!({ "script": settle, "args": [] })),
        );
        let encoded = self.call("GET", "/screenshot", None);
        let png = base64::engine::general_purpose::STANDARD
            .decode(encoded.as_str().expect("base64 screenshot"))
            .expect("decode screenshot");
        std::fs::write(path, png).expect("write screenshot");
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = ureq::delete(&format!("{}/session/{}", self.base, self.id)).call();
    }
}

fn describe(err: ureq::Error) -> String {
    match err {
        ureq::Error::Status(code, response) => format!(
            "HTTP {code}: {}",
            response.into_string().unwrap_or_default()
        ),
        other => other.to_string(),
    }
}
