// The open flow's top bar: the way back, its name (click to rename), whether it is saved, undo
// and redo, running it (whole, or to or from the selected node) or cancelling the run, exporting
// it, its versions, duplicating and deleting it (each asked first), and its star.
import { useState } from "react";
import type { SaveState } from "../../store/editing";
import { useAppActions, useAppState } from "../../store";
import { FavoriteButton } from "../FavoriteButton";
import { BackIcon, ExportIcon } from "../icons";
import { ConfirmDialog, NameDialog } from "../NameDialog";

export function FlowTopBar() {
  const flow = useAppState((state) => state.flow);
  const exportState = useAppState((state) => state.exportState);
  const run = useAppState((state) => state.run);
  const selectedNode = useAppState((state) => state.selectedNode);
  const edits = useAppState((state) => state.edits);
  const saveState = useAppState((state) => state.saveState);
  const versionsOpen = useAppState((state) => state.versions.open);
  const {
    goHome,
    toggleFavorite,
    exportFlow,
    startRun,
    runPart,
    cancelRun,
    undo,
    redo,
    saveNow,
    renameFlow,
    duplicateFlow,
    deleteFlow,
    toggleVersions,
  } = useAppActions();
  const [asking, setAsking] = useState<"duplicate" | "delete" | null>(null);
  const composition = flow.status === "ready" ? flow.data.flow.composition : null;
  const exportBusy = exportState.status === "picking" || exportState.status === "exporting";

  return (
    <>
      <header className="topbar topbar--flow">
        <button type="button" className="back" data-testid="back" onClick={() => void goHome()}>
          <BackIcon />
          Flows
        </button>
        <div className="flow-heading">
          {composition === null ? (
            <h1 className="flow-heading__title" data-testid="flow-title" />
          ) : (
            <FlowTitle name={composition.name} onRename={renameFlow} />
          )}
          {composition !== null && composition.description !== "" && (
            <p className="flow-heading__description">{composition.description}</p>
          )}
        </div>
        {composition !== null && flow.status === "ready" && (
          <div className="flow-heading__aside">
            <SaveStatus state={saveState} onRetry={() => void saveNow()} />
            <button
              type="button"
              className="button button--icon"
              data-testid="undo"
              title="Undo the last edit"
              aria-label="Undo"
              disabled={edits.undo.length === 0}
              onClick={undo}
            >
              ↶
            </button>
            <button
              type="button"
              className="button button--icon"
              data-testid="redo"
              title="Redo"
              aria-label="Redo"
              disabled={edits.redo.length === 0}
              onClick={redo}
            >
              ↷
            </button>
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
            <button
              type="button"
              className="button"
              data-testid="open-versions"
              aria-pressed={versionsOpen}
              title="This flow's saved versions: compare two, or restore one"
              onClick={toggleVersions}
            >
              Versions
            </button>
            <button
              type="button"
              className="button"
              data-testid="duplicate-flow"
              title="Copy this flow as a new one"
              onClick={() => {
                setAsking("duplicate");
              }}
            >
              Duplicate
            </button>
            <button
              type="button"
              className="button"
              data-testid="delete-flow"
              title="Delete this flow and its run history"
              onClick={() => {
                setAsking("delete");
              }}
            >
              Delete
            </button>
            <FavoriteButton
              favorite={flow.data.meta.is_favorite}
              onToggle={() => void toggleFavorite(composition.composition_id)}
            />
          </div>
        )}
      </header>
      {asking === "duplicate" && composition !== null && (
        <NameDialog
          title="Duplicate flow"
          initial={`${composition.name} (copy)`}
          confirm="Duplicate"
          onConfirm={(name) => {
            setAsking(null);
            void duplicateFlow(name);
          }}
          onCancel={() => {
            setAsking(null);
          }}
        />
      )}
      {asking === "delete" && composition !== null && (
        <ConfirmDialog
          title={`Delete “${composition.name}”?`}
          confirm="Delete flow"
          onConfirm={() => {
            setAsking(null);
            void deleteFlow();
          }}
          onCancel={() => {
            setAsking(null);
          }}
        >
          <p>Its versions and every run kept of it are deleted too. This cannot be undone.</p>
        </ConfirmDialog>
      )}
    </>
  );
}

/** Whether the flow on screen is stored: saved (with its version), saving, or why not. */
function SaveStatus({ state, onRetry }: { readonly state: SaveState; readonly onRetry: () => void }) {
  switch (state.status) {
    case "saved":
      return (
        <span className="save-status" data-testid="save-status" data-status="saved">
          {state.version === null ? "Saved" : `Saved · version ${state.version}`}
        </span>
      );
    case "unsaved":
    case "saving":
      return (
        <span className="save-status save-status--busy" data-testid="save-status" data-status={state.status}>
          Saving…
        </span>
      );
    case "failed":
      return (
        <button
          type="button"
          className="save-status save-status--failed"
          data-testid="save-status"
          data-status="failed"
          title={state.error.message}
          onClick={onRetry}
        >
          Not saved: retry
        </button>
      );
  }
}

/** The flow's name; click it to rename the flow in place (Enter keeps, Escape drops the change). */
function FlowTitle({ name, onRename }: { readonly name: string; readonly onRename: (name: string) => void }) {
  const [draft, setDraft] = useState<string | null>(null);
  if (draft === null) {
    return (
      <h1 className="flow-heading__title">
        <button
          type="button"
          className="flow-heading__rename"
          data-testid="flow-title"
          title="Rename this flow"
          onClick={() => {
            setDraft(name);
          }}
        >
          {name}
        </button>
      </h1>
    );
  }
  const keep = () => {
    if (draft.trim() !== "") onRename(draft.trim());
    setDraft(null);
  };
  return (
    <input
      className="flow-heading__input"
      data-testid="flow-title-input"
      aria-label="Flow name"
      autoFocus
      value={draft}
      onChange={(event) => {
        setDraft(event.target.value);
      }}
      onBlur={keep}
      onKeyDown={(event) => {
        if (event.key === "Enter") keep();
        if (event.key === "Escape") setDraft(null);
      }}
    />
  );
}
