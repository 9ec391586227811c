// Importing a flow file on the home screen: the button, what came of it, and the conflict
// question. The steps themselves live in the store (`startImport`, lib/importFlow).
import { describeImport, importBusy, importTitle } from "../../lib/importFlow";
import { plural } from "../../lib/format";
import { useAppActions, useAppState } from "../../store";
import { ConflictDialog } from "../ConflictDialog";
import { ImportIcon } from "../icons";
import { DiagnosticList, Notice } from "../Notice";
import { diagnosticsOf } from "../../lib/errors";

export function ImportButton() {
  const importState = useAppState((state) => state.importState);
  const { startImport } = useAppActions();
  const busy = importBusy(importState);
  return (
    <button type="button" className="button" data-testid="import-flow" aria-busy={busy} onClick={() => void startImport()}>
      <ImportIcon />
      {importState.step === "importing" ? "Importing…" : "Import flow…"}
    </button>
  );
}

/** The notice after an import, and the conflict dialog while one waits for an answer. */
export function ImportResult() {
  const importState = useAppState((state) => state.importState);
  const { dismissImport, openFlow, resolveImportConflict, cancelImport } = useAppActions();

  switch (importState.step) {
    case "conflict":
      return (
        <ConflictDialog
          message={importState.message}
          onChoose={(choice) => void resolveImportConflict(choice)}
          onCancel={cancelImport}
        />
      );
    case "done": {
      const { outcome, name } = importState;
      return (
        <Notice
          tone="ok"
          testId="import-result"
          title={importTitle(outcome, name)}
          onDismiss={dismissImport}
          actions={
            <button type="button" className="button" onClick={() => void openFlow(outcome.composition_id)}>
              Open
            </button>
          }
        >
          {describeImport(outcome).map((line) => (
            <span key={line}>{line}</span>
          ))}
          {outcome.warnings.length > 0 && (
            <>
              <span>With {plural(outcome.warnings.length, "warning")}:</span>
              <DiagnosticList diagnostics={outcome.warnings} testId="import-warning" />
            </>
          )}
        </Notice>
      );
    }
    case "failed": {
      const { error } = importState;
      const diagnostics = diagnosticsOf(error);
      return (
        <Notice tone="error" testId="import-result" errorCode={error.code} title="Could not import the flow" onDismiss={dismissImport}>
          <span>{error.message}</span>
          {diagnostics.length > 0 && <DiagnosticList diagnostics={diagnostics} testId="import-diagnostic" />}
        </Notice>
      );
    }
    default:
      return null;
  }
}
