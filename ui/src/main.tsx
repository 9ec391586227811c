// Entry point: mounts the app and pulls in the global styles (bundled; the CSP allows no remote CSS).
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import "@xyflow/react/dist/style.css";
import "./styles/base.css";
import { App } from "./App";
import { events } from "./bindings";
import { getCurrentWebview } from "@tauri-apps/api/webview";
import { getCurrentWindow } from "@tauri-apps/api/window";
import { appStore } from "./store";

// Runs stream from Rust as typed events (every run's, a schedule's too); outside Tauri (a plain
// browser) there are none.
try {
  void events
    .runProgress.listen((event) => {
      appStore.getState().actions.applyRunProgress(event.payload);
    })
    .catch(() => undefined);
  void events
    .runActivity.listen((event) => {
      void appStore.getState().actions.applyRunActivity(event.payload);
    })
    .catch(() => undefined);
} catch {
  // Not inside Tauri.
}

// Closing the window first saves the open flow's last edits (autosave waits for a pause),
// including a field still being typed in: leaving it commits it.
try {
  void getCurrentWindow()
    .onCloseRequested(() => {
      if (document.activeElement instanceof HTMLElement) document.activeElement.blur();
      return appStore.getState().actions.saveNow();
    })
    .catch(() => undefined);
} catch {
  // Not inside Tauri.
}

// A flow file dropped on the window is imported (Tauri reports the dropped paths).
try {
  void getCurrentWebview()
    .onDragDropEvent((event) => {
      const { actions } = appStore.getState();
      if (event.payload.type === "drop") void actions.importDropped(event.payload.paths);
      else actions.setDropHover(event.payload.type !== "leave");
    })
    .catch(() => undefined);
} catch {
  // Not inside Tauri.
}

const root = document.getElementById("root");
if (root === null) throw new Error("index.html has no #root element");

createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
