// The open flow: its top bar (`FlowTopBar`), the run line and notices over the editor, and the
// run dialog. The editor's parts share one ReactFlowProvider so a problem clicked in the panel
// can select and centre its node.
import { ReactFlowProvider } from "@xyflow/react";
import type { ReactNode } from "react";
import type { Diagnostic } from "../api";
import { ErrorNotice } from "../components/ErrorNotice";
import { FlowEditor } from "../components/flow/FlowEditor";
import { FlowTopBar } from "../components/flow/FlowTopBar";
import { RunDialog } from "../components/flow/RunDialog";
import { Notice } from "../components/Notice";
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
  const { openFlow, dismissNotice, dismissExport, closeRunDialog, runFlow } = useAppActions();
  const retry = route.screen === "flow" ? () => void openFlow(route.flowId) : undefined;

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
        <FlowEditor
          detail={flow.data}
          templates={templates.data}
          diagnostics={problems.status === "ready" ? problems.data : noDiagnostics}
        />
      </ReactFlowProvider>
    );
  }

  const composition = flow.status === "ready" ? flow.data.flow.composition : null;

  return (
    <div className="screen">
      <FlowTopBar />
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
          shadows={runDialog.shadows}
          onRun={(choices) => void runFlow(choices)}
          onCancel={closeRunDialog}
        />
      )}
    </div>
  );
}
