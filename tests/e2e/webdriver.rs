//! Just enough of the W3C WebDriver protocol to drive the app: a session, finding elements
//! by CSS, reading text, clicking, typing, dragging with the mouse, key chords, and
//! screenshots.

use serde_json::{Value, json};
use std::path::Path;
use std::time::{Duration, Instant};

/// The key under which WebDriver returns an element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

pub struct Session {
    base: String,
    id: String,
    /// The X display the window is on, for screenshots.
    display: String,
}

pub struct Element(String);

impl Session {
    /// Starts the app through tauri-driver, retrying while the driver comes up.
    pub fn start(port: u16, display: &str, application: &Path, args: &[String]) -> Self {
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
                    return Self {
                        base,
                        id,
                        display: display.to_owned(),
                    };
                }
                Err(ureq::Error::Transport(_)) if start.elapsed() < Duration::from_secs(30) => {
                    std::thread::sleep(Duration::from_millis(200));
                }
                Err(err) => panic!("could not start a WebDriver session: {}", describe(err)),
            }
        }
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.try_call(method, path, body)
            .unwrap_or_else(|err| panic!("WebDriver {method} {path} failed: {err}"))
    }

    fn try_call(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
        let url = format!("{}/session/{}{path}", self.base, self.id);
        let request = ureq::request(method, &url);
        let response = match body {
            Some(body) => request.send_json(body),
            None => request.call(),
        };
        match response {
            Ok(response) => {
                Ok(response.into_json::<Value>().expect("webdriver json")["value"].take())
            }
            Err(err) => Err(describe(err)),
        }
    }

    pub fn find_all(&self, css: &str) -> Vec<Element> {
        let query = json!({ "using": "css selector", "value": css });
        // WebKitWebDriver answers "stale element reference" when a match leaves the page while
        // it is collecting them (a re-render): the question is asked again.
        let mut tries = 0;
        let found = loop {
            match self.try_call("POST", "/elements", Some(query.clone())) {
                Ok(found) => break found,
                Err(err) if err.contains("stale element reference") && tries < 5 => {
                    tries += 1;
                    std::thread::sleep(Duration::from_millis(50));
                }
                Err(err) => panic!("WebDriver POST /elements for `{css}` failed: {err}"),
            }
        };
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

    /// The rendered text of every element matching `css`, read in one go in the page, so a
    /// re-render between finding the elements and reading them cannot leave one stale.
    /// Puts `text` into the input `css` whole, as pasting it would (the page sees an input
    /// event). WebDriver's keys lose Shift on the test display, so text with `*`, `@` or
    /// capitals cannot be typed key by key.
    pub fn paste_into(&self, css: &str, text: &str) {
        let script = format!(
            "const done = arguments[arguments.length - 1];
             const field = document.querySelector({css});
             const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
             set.call(field, {text});
             field.dispatchEvent(new Event('input', {{ bubbles: true }}));
             done(field.value);",
            css = serde_json::to_string(css).unwrap_or_default(),
            text = serde_json::to_string(text).unwrap_or_default(),
        );
        assert_eq!(self.execute_async(&script), Value::String(text.to_owned()));
    }

    /// Pastes `text` into the editable element `css` (a code editor's content) as Ctrl+V would:
    /// a paste event carrying the text, which the editor inserts over its selection. Key by
    /// key, SQL's capitals, `*` and `(` would lose their Shift (see `paste_into`).
    pub fn paste_text(&self, css: &str, text: &str) {
        let script = format!(
            "const done = arguments[arguments.length - 1];
             const target = document.querySelector({css});
             const data = new DataTransfer();
             data.setData('text/plain', {text});
             target.focus();
             target.dispatchEvent(new ClipboardEvent('paste',
               {{ clipboardData: data, bubbles: true, cancelable: true }}));
             done(null);",
            css = serde_json::to_string(css).unwrap_or_default(),
            text = serde_json::to_string(text).unwrap_or_default(),
        );
        self.execute_async(&script);
    }

    /// An attribute of `element` (`data-…` included), if it has it.
    pub fn attribute(&self, element: &Element, name: &str) -> Option<String> {
        self.try_call(
            "GET",
            &format!("/element/{}/attribute/{name}", element.0),
            None,
        )
        .ok()
        .and_then(|value| value.as_str().map(str::to_owned))
    }

    pub fn texts(&self, css: &str) -> Vec<String> {
        let script = json!({
            "script": "return Array.from(document.querySelectorAll(arguments[0]), (e) => e.innerText.trim());",
            "args": [css],
        });
        let texts = self.call("POST", "/execute/sync", Some(script));
        texts
            .as_array()
            .map(|all| {
                all.iter()
                    .map(|t| t.as_str().unwrap_or_default().to_owned())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Clicks the one element matching `css` once it is there, finding it again if a re-render
    /// replaced it between finding and clicking.
    #[track_caller]
    pub fn click_css(&self, css: &str, timeout: Duration) {
        let start = Instant::now();
        loop {
            if let [element] = self.find_all(css).as_slice() {
                let url = format!(
                    "{}/session/{}/element/{}/click",
                    self.base, self.id, element.0
                );
                if ureq::post(&url).send_json(json!({})).is_ok() {
                    return;
                }
            }
            assert!(
                start.elapsed() < timeout,
                "could not click `{css}` within {timeout:?}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    pub fn click(&self, element: &Element) {
        self.call(
            "POST",
            &format!("/element/{}/click", element.0),
            Some(json!({})),
        );
    }

    /// Replaces the text of an input with `text`.
    pub fn type_into(&self, element: &Element, text: &str) {
        self.call(
            "POST",
            &format!("/element/{}/clear", element.0),
            Some(json!({})),
        );
        self.type_keys(element, text);
    }

    /// Types `text` into an element where the caret is, as key presses (WebDriver's key codes
    /// work: `\u{E009}` holds Ctrl, `\u{E000}` lets go, `\u{E007}` is Enter).
    pub fn type_keys(&self, element: &Element, text: &str) {
        self.call(
            "POST",
            &format!("/element/{}/value", element.0),
            Some(json!({ "text": text })),
        );
    }

    /// Presses the mouse on `from`, moves it onto `to` in small steps, and keeps it pressed
    /// (see [`Session::release`]), as a user dragging a connection does.
    pub fn press_and_move(&self, from: &Element, to: &Element) {
        let at = |element: &Element| json!({ ELEMENT: element.0 });
        self.pointer(json!([
            { "type": "pointerMove", "duration": 0, "origin": at(from), "x": 0, "y": 0 },
            { "type": "pointerDown", "button": 0 },
            { "type": "pointerMove", "duration": 150, "origin": "pointer", "x": 12, "y": 6 },
            { "type": "pointerMove", "duration": 300, "origin": at(to), "x": 0, "y": 0 },
        ]));
    }

    /// Lets go of the mouse button pressed by [`Session::press_and_move`].
    pub fn release(&self) {
        self.pointer(json!([{ "type": "pointerUp", "button": 0 }]));
    }

    /// Clicks `element` with the right mouse button (opens its context menu).
    pub fn context_click(&self, element: &Element) {
        self.pointer(json!([
            { "type": "pointerMove", "duration": 0, "origin": { ELEMENT: element.0 }, "x": 0, "y": 0 },
            { "type": "pointerDown", "button": 2 },
            { "type": "pointerUp", "button": 2 },
        ]));
    }

    /// Turns the mouse wheel over `element` for `millis`, `steps` notches, as a user zooms.
    pub fn wheel(&self, element: &Element, steps: u32, millis: u64, delta_y: i64) {
        let each = millis / u64::from(steps.max(1));
        let scrolls: Vec<Value> = (0..steps)
            .map(|_| {
                json!({ "type": "scroll", "duration": each, "origin": { ELEMENT: element.0 },
                             "x": 0, "y": 0, "deltaX": 0, "deltaY": delta_y })
            })
            .collect();
        self.call(
            "POST",
            "/actions",
            Some(json!({ "actions": [{ "type": "wheel", "id": "wheel", "actions": scrolls }] })),
        );
    }

    /// Presses the mouse at (`x`, `y`) from `element`'s centre and moves it by (`dx`, `dy`)
    /// in `steps` moves over `millis`, then lets go: panning, when the point is empty canvas.
    pub fn drag_by(
        &self,
        element: &Element,
        (x, y): (i64, i64),
        (dx, dy): (i64, i64),
        steps: u32,
        millis: u64,
    ) {
        let n = i64::from(steps.max(1));
        let each = millis / u64::from(steps.max(1));
        let mut actions = vec![
            json!({ "type": "pointerMove", "duration": 0, "origin": { ELEMENT: element.0 }, "x": x, "y": y }),
            json!({ "type": "pointerDown", "button": 0 }),
        ];
        actions.extend((0..n).map(|_| {
            json!({ "type": "pointerMove", "duration": each, "origin": "pointer", "x": dx / n, "y": dy / n })
        }));
        actions.push(json!({ "type": "pointerUp", "button": 0 }));
        self.pointer(Value::Array(actions));
    }

    /// Drags from `from` and drops on `to`.
    pub fn drag(&self, from: &Element, to: &Element) {
        self.press_and_move(from, to);
        self.release();
    }

    fn pointer(&self, actions: Value) {
        self.call(
            "POST",
            "/actions",
            Some(json!({ "actions": [{
                "type": "pointer", "id": "mouse",
                "parameters": { "pointerType": "mouse" },
                "actions": actions,
            }] })),
        );
    }

    /// Types `text` as key presses into whatever has the focus.
    pub fn type_focused(&self, text: &str) {
        let presses: Vec<Value> = text
            .chars()
            .flat_map(|c| {
                let key = c.to_string();
                [
                    json!({ "type": "keyDown", "value": key }),
                    json!({ "type": "keyUp", "value": key }),
                ]
            })
            .collect();
        self.call(
            "POST",
            "/actions",
            Some(json!({ "actions": [{ "type": "key", "id": "keyboard", "actions": presses }] })),
        );
    }

    /// Presses and releases one key (WebDriver's codes: `\u{E017}` is Delete).
    pub fn press(&self, key: &str) {
        self.call(
            "POST",
            "/actions",
            Some(json!({ "actions": [{
                "type": "key", "id": "keyboard",
                "actions": [{ "type": "keyDown", "value": key }, { "type": "keyUp", "value": key }],
            }] })),
        );
    }

    /// Presses `key` while holding Ctrl (`\u{E009}`), as a keyboard shortcut.
    pub fn ctrl(&self, key: &str) {
        let ctrl = "\u{E009}";
        self.call(
            "POST",
            "/actions",
            Some(json!({ "actions": [{
                "type": "key", "id": "keyboard",
                "actions": [
                    { "type": "keyDown", "value": ctrl },
                    { "type": "keyDown", "value": key },
                    { "type": "keyUp", "value": key },
                    { "type": "keyUp", "value": ctrl },
                ],
            }] })),
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

    /// Saves what the screen shows, once the page has painted its latest DOM.
    pub fn screenshot(&self, path: &Path) {
        self.settle();
        super::screen::capture(&self.display, path);
    }

    /// Waits until the page has painted its latest DOM: after something that moves elements
    /// (fitting the view), before pointing at them.
    pub fn settle(&self) {
        let settle = "const done = arguments[arguments.length - 1];
                      requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 100)));";
        self.call(
            "POST",
            "/execute/async",
            Some(json!({ "script": settle, "args": [] })),
        );
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
