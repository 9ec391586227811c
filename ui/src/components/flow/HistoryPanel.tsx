// The open flow's runs, newest first: status, trigger, start and duration. Opening one shows
// its statuses on the canvas and its results in the drawer.
import type { RunSummary } from "../../api";
import { formatTimestamp } from "../../lib/format";
import { useAppActions, useAppState } from "../../store";

function duration(run: RunSummary): string {
  if (run.started_at === null || run.completed_at === null) return "";
  const ms = Date.parse(run.completed_at) - Date.parse(run.started_at);
  return Number.isFinite(ms) ? (ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`) : "";
}

export function HistoryPanel() {
  const history = useAppState((state) => state.history);
  const run = useAppState((state) => state.run);
  const { showRun, rerun } = useAppActions();
  const shown = run.status === "finished" ? run.runId : null;

  return (
    <section>
      <h3>History</h3>
      {history.status === "loading" && <p className="muted">Loading runs…</p>}
      {history.status === "failed" && <p className="muted">Could not list the runs: {history.error.message}</p>}
      {history.status === "ready" && history.data.length === 0 && <p className="muted">Not run yet.</p>}
      {shown !== null && run.status !== "running" && (
        <button
          type="button"
          className="button button--small history__rerun"
          data-testid="rerun"
          title="Run this flow again with the parameters run shown used"
          onClick={() => void rerun(shown)}
        >
          Run again with run {shown}'s parameters
        </button>
      )}
      {history.status === "ready" && history.data.length > 0 && (
        <ul className="history" data-testid="history">
          {history.data.map((item) => (
            <li key={item.run_id}>
              <button
                type="button"
                className={`history__run${item.run_id === shown ? " history__run--shown" : ""}`}
                data-testid="history-run"
                data-run-id={item.run_id}
                disabled={run.status === "running"}
                onClick={() => void showRun(item.run_id)}
              >
                <span className={`status status--${item.status.toLowerCase()}`}>{item.status.toLowerCase()}</span>
                <span className="history__when">
                  Run {item.run_id} · {item.started_at === null ? "not started" : formatTimestamp(item.started_at)}
                </span>
                <span className="history__meta">
                  {item.trigger}
                  {duration(item) !== "" ? ` · ${duration(item)}` : ""}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
