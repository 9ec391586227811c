// The open flow's versions, newest first, in place of its side panel: who saved each and when,
// whether a run used it, and what changed in it. The chosen version can be compared with another
// (by default the one before it) or restored, after a confirmation.
import { useEffect, useState } from "react";
import type { FlowVersion } from "../../api";
import type { Catalogue } from "../../lib/catalogue";
import { formatTimestamp, plural } from "../../lib/format";
import { comparedWith, describeFlowChange } from "../../lib/versions";
import { useAppActions, useAppState } from "../../store";
import "../../styles/versions.css";
import { ErrorNotice } from "../ErrorNotice";
import { ConfirmDialog } from "../NameDialog";
import { VersionCompare } from "./VersionCompare";

/** How many of a version's changes its item lists; the comparison shows them all. */
const SHOWN_CHANGES = 6;

export function VersionsPanel({ catalogue }: { readonly catalogue: Catalogue }) {
  const { list, comparison, restoring } = useAppState((state) => state.versions);
  const saveState = useAppState((state) => state.saveState);
  const { loadVersions, toggleVersions, closeComparison, restoreVersion } = useAppActions();
  const [chosen, setChosen] = useState<number | null>(null);
  const [confirming, setConfirming] = useState<number | null>(null);

  // Listed when the panel opens, and again whenever an edit is saved as a new version.
  useEffect(() => {
    if (saveState.status === "saved") void loadVersions();
  }, [saveState, loadVersions]);

  const versions = list.status === "ready" ? list.data : [];
  const selected = versions.find((v) => v.version === chosen) ?? versions[0];

  return (
    <aside className="sidebar vpanel" aria-label="Versions" data-testid="versions-panel">
      <div className="vpanel__head">
        <h3>Versions</h3>
        <button type="button" className="button button--small button--ghost" data-testid="versions-close" onClick={toggleVersions}>
          Close
        </button>
      </div>
      {list.status === "loading" && <p className="muted">Loading versions…</p>}
      {list.status === "failed" && <ErrorNotice title="Could not list the versions" error={list.error} onRetry={() => void loadVersions()} />}
      {selected !== undefined && (
        <ChosenVersion
          key={selected.version}
          versions={versions}
          version={selected.version}
          restoring={restoring}
          onRestore={setConfirming}
        />
      )}
      <ol className="vpanel__list">
        {versions.map((version, index) => (
          <VersionItem
            key={version.version}
            version={version}
            current={index === 0}
            chosen={version === selected}
            onChoose={setChosen}
          />
        ))}
      </ol>
      {comparison !== null && <VersionCompare comparison={comparison} catalogue={catalogue} onClose={closeComparison} />}
      {confirming !== null && (
        <ConfirmDialog
          title={`Restore version ${confirming}?`}
          confirm="Restore"
          onConfirm={() => {
            setConfirming(null);
            void restoreVersion(confirming);
          }}
          onCancel={() => {
            setConfirming(null);
          }}
        >
          <p>
            The flow becomes what it was in version {confirming}, saved as a new version. Every version stays, so this can be
            restored back; the undo history is cleared.
          </p>
        </ConfirmDialog>
      )}
    </aside>
  );
}

type ItemProps = {
  readonly version: FlowVersion;
  readonly current: boolean;
  readonly chosen: boolean;
  readonly onChoose: (version: number) => void;
};

function VersionItem({ version, current, chosen, onChoose }: ItemProps) {
  const hidden = version.changes.length - SHOWN_CHANGES;
  return (
    <li>
      <button
        type="button"
        className="version-card vitem"
        aria-current={chosen ? "true" : undefined}
        data-testid="version-item"
        data-version={version.version}
        onClick={() => {
          onChoose(version.version);
        }}
      >
        <span className="vitem__head">
          <strong>Version {version.version}</strong>
          {current && <span className="vitem__badge">current</span>}
          {version.has_run && (
            <span className="vitem__badge vitem__badge--ran" data-testid="version-ran" title="A run used this version">
              ran
            </span>
          )}
        </span>
        <span className="vitem__when">
          {version.created_by ?? "someone"} · {formatTimestamp(version.created_at)}
        </span>
        <ul className="vitem__changes">
          {version.changes.slice(0, SHOWN_CHANGES).map((change, index) => (
            <li key={index}>{describeFlowChange(change)}</li>
          ))}
          {hidden > 0 && <li className="muted">and {plural(hidden, "more change")}</li>}
        </ul>
      </button>
    </li>
  );
}

type ChosenProps = {
  readonly versions: readonly FlowVersion[];
  readonly version: number;
  readonly restoring: boolean;
  readonly onRestore: (version: number) => void;
};

/** What can be done with the chosen version: compare it (with the one before it, unless changed), restore it. */
function ChosenVersion({ versions, version, restoring, onRestore }: ChosenProps) {
  const { compareVersions } = useAppActions();
  const start = comparedWith(versions, version);
  const [from, setFrom] = useState(start?.from ?? version);
  const [to, setTo] = useState(version);
  const current = versions[0]?.version === version;

  return (
    <div className="vpanel__chosen" data-testid="version-chosen" data-version={version}>
      <div className="vpanel__compare">
        <select
          className="field__input"
          aria-label="Compare from version"
          data-testid="version-compare-from"
          value={from}
          onChange={(event) => {
            setFrom(Number(event.target.value));
          }}
        >
          <VersionOptions versions={versions} />
        </select>
        <span aria-hidden="true">→</span>
        <select
          className="field__input"
          aria-label="Compare to version"
          data-testid="version-compare-to"
          value={to}
          onChange={(event) => {
            setTo(Number(event.target.value));
          }}
        >
          <VersionOptions versions={versions} />
        </select>
      </div>
      <div className="vpanel__actions">
        <button
          type="button"
          className="button button--small"
          data-testid="version-compare"
          disabled={from === to}
          onClick={() => void compareVersions(from, to)}
        >
          Compare
        </button>
        <button
          type="button"
          className="button button--small"
          data-testid="version-restore"
          disabled={current || restoring}
          aria-busy={restoring}
          title={current ? "This is the flow as it is now" : `Make the flow what it was in version ${version}`}
          onClick={() => {
            onRestore(version);
          }}
        >
          {restoring ? "Restoring…" : `Restore version ${version}…`}
        </button>
      </div>
    </div>
  );
}

function VersionOptions({ versions }: { readonly versions: readonly FlowVersion[] }) {
  return (
    <>
      {versions.map((v) => (
        <option key={v.version} value={v.version}>
          Version {v.version}
        </option>
      ))}
    </>
  );
}
