// The open flow, read-only: title bar with the way back and the export, the canvas, and the
// side panel with the flow's problems. Canvas and panel share one ReactFlowProvider so a
// problem clicked in the panel can select and centre its node.
import { ReactFlowProvider } from "@xyflow/react";
import type { ReactNode } from "react";
import type { Diagnostic } from "../api";
import { ErrorNotice } from "../components/ErrorNotice";
import { FavoriteButton } from "../components/FavoriteButton";
import { FlowCanvas } from "../components/FlowCanvas";
import { FlowSidebar } from "../components/FlowSidebar";
import { BackIcon, ExportIcon } from "../components/icons";
import { Notice } from "../components/Notice";
import { ResultsDrawer } from "../components/ResultsDrawer";
import { RunDialog } from "../components/RunDialog";
import { describeRun } from "../lib/run";
import { useAppActions, useAppState } from "../store";
import "../styles/flow.css";

// One empty list while the flow is being checked, so the canvas does not re-mark for nothing.
const noDiagnostics: readonly Diagnostic[] = [];

export function FlowScreen() {
  const route = useAppState((state) => state.route);
  const flow = useAppState((state) => state.flow);
  const templates = useAppState((state) => state.templates);
  const problems = useAppState((state) => state.problems);
  const exportState = useAppState((state) => state.exportState);
  const notice = useAppState((state) => state.notice);
  const run = useAppState((state) => state.run);
  const runLine = describeRun(run);
  const runDialog = useAppState((state) => state.runDialog);
  const selectedNode = useAppState((state) => state.selectedNode);
  const { goHome, openFlow, toggleFavorite, dismissNotice, exportFlow, dismissExport, startRun, closeRunDialog, runFlow, runPart, cancelRun } =
    useAppActions();
  const retry = route.screen === "flow" ? () => void openFlow(route.compositionId) : undefined;

  let body: ReactNode;
  if (flow.status === "failed") {
    body = (
      <div className="flow-status">
        <ErrorNotice title="Could not open this flow" error={flow.error} onRetry={retry} />
      </div>
    );
  } else if (templates.status === "failed") {
    body = (
      <div className="flow-status">
        <ErrorNotice title="Could not load the templates" error={templates.error} onRetry={retry} />
      </div>
    );
  } else if (flow.status === "loading" || templates.status === "loading") {
    body = (
      <div className="flow-status">
        <p className="list-status" aria-busy="true">
          Opening flow…
        </p>
      </div>
    );
  } else {
    body = (
      <ReactFlowProvider>
        <div className="flow-body">
          <div className="flow-main">
            <FlowCanvas
              detail={flow.data}
              templates={templates.data}
              diagnostics={problems.status === "ready" ? problems.data : noDiagnostics}
            />
            <ResultsDrawer />
          </div>
          <FlowSidebar detail={flow.data} />
        </div>
      </ReactFlowProvider>
    );
  }

  const composition = flow.status === "ready" ? flow.data.flow.composition : null;
  const exportBusy = exportState.status === "picking" || exportState.status === "exporting";

  return (
    <div className="screen">
      <header className="topbar topbar--flow">
        <button type="button" className="back" data-testid="back" onClick={() => void goHome()}>
          <BackIcon />
          Flows
        </button>
        <div className="flow-heading">
          <h1 className="flow-heading__title" data-testid="flow-title">
            {composition?.name ?? ""}
          </h1>
          {composition !== null && composition.description !== "" && (
            <p className="flow-heading__description">{composition.description}</p>
          )}
        </div>
        {composition !== null && flow.status === "ready" && (
          <div className="flow-heading__aside">
            {composition.tags.map((tag) => (
              <span key={tag} className="tag">
                {tag}
              </span>
            ))}
            {selectedNode !== null && run.status !== "running" && (
              <>
                <button
                  type="button"
                  className="button"
                  data-testid="run-to-here"
                  title={`Run ${selectedNode} and only the nodes it needs`}
                  onClick={() => void runPart({ to: selectedNode })}
                >
                  Run to here
                </button>
                <button
                  type="button"
                  className="button"
                  data-testid="run-from-here"
                  title={`Rerun ${selectedNode} and everything after it, reusing what it needs`}
                  onClick={() => void runPart({ from: selectedNode })}
                >
                  Run from here
                </button>
              </>
            )}
            {run.status === "running" ? (
              <button type="button" className="button" data-testid="cancel-run" onClick={() => void cancelRun()}>
                Cancel
              </button>
            ) : (
              <button
                type="button"
                className="button button--primary"
                data-testid="run-flow"
                title="Run every node of this flow on the workspace's data"
                onClick={() => void startRun()}
              >
                Run
              </button>
            )}
            <button
              type="button"
              className="button"
              data-testid="export-flow"
              aria-busy={exportBusy}
              title={`Save this flow and its templates as ${composition.composition_id}.flow.json`}
              onClick={() => void exportFlow()}
            >
              <ExportIcon />
              {exportState.status === "exporting" ? "Exporting…" : "Export…"}
            </button>
            <FavoriteButton
              favorite={flow.data.meta.is_favorite}
              onToggle={() => void toggleFavorite(composition.composition_id)}
            />
          </div>
        )}
      </header>
      {runLine !== null && (
        <p
          className={`run-line run-line--${run.status === "finished" ? run.outcome.toLowerCase() : run.status}`}
          data-testid="run-status"
          role="status"
        >
          {runLine}
        </p>
      )}
      {notice && (
        <div className="flow-notice">
          <ErrorNotice error={notice} onDismiss={dismissNotice} />
        </div>
      )}
      {exportState.status === "done" && (
        <div className="flow-notice">
          <Notice tone="ok" testId="export-result" title={`Exported to ${exportState.path}`} onDismiss={dismissExport} />
        </div>
      )}
      {exportState.status === "failed" && (
        <div className="flow-notice">
          <Notice
            tone="error"
            testId="export-result"
            errorCode={exportState.error.code}
            title="Could not export this flow"
            onDismiss={dismissExport}
          >
            <span>{exportState.error.message}</span>
          </Notice>
        </div>
      )}
      {body}
      {runDialog !== null && composition !== null && (
        <RunDialog
          parameters={composition.global_parameters}
          choices={runDialog.choices}
          error={runDialog.error}
          onRun={(choices) => void runFlow(choices)}
          onCancel={closeRunDialog}
        />
      )}
    </div>
  );
}
