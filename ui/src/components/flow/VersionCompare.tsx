// Two versions of the open flow compared: what changed, as a list, beside both versions drawn
// side by side with the changes marked. Escape or Close leaves it.
import { useId, useMemo } from "react";
import type { FlowChange } from "../../api";
import type { Catalogue } from "../../lib/catalogue";
import { changeMark, describeFlowChange, diffMarks } from "../../lib/versions";
import type { Comparison } from "../../store/versions";
import { ErrorNotice } from "../ErrorNotice";
import { Modal } from "../Modal";
import { VersionCanvas } from "./VersionCanvas";

type Props = {
  readonly comparison: Comparison;
  readonly catalogue: Catalogue;
  readonly onClose: () => void;
};

const noChanges: readonly FlowChange[] = [];

export function VersionCompare({ comparison, catalogue, onClose }: Props) {
  const titleId = useId();
  const { from, to, changes, flows } = comparison;
  const marks = useMemo(() => diffMarks(changes.status === "ready" ? changes.data : noChanges), [changes]);

  return (
    <Modal onClose={onClose} testId="version-compare-view" className="vcompare" labelledBy={titleId}>
      <header className="vcompare__head">
        <h2 id={titleId} className="modal__title">
          Version {from} → version {to}
        </h2>
        <button type="button" className="button button--ghost" data-testid="version-compare-close" onClick={onClose}>
          Close
        </button>
      </header>
      <div className="vcompare__body">
        <div className="vcompare__changes">
          {changes.status === "loading" && <p className="muted">Comparing…</p>}
          {changes.status === "failed" && <ErrorNotice title="Could not compare these versions" error={changes.error} />}
          {changes.status === "ready" && <ChangeList changes={changes.data} />}
        </div>
        <div className="vcompare__sides">
          {flows.status === "loading" && <p className="muted">Reading both versions…</p>}
          {flows.status === "failed" && <ErrorNotice title="Could not read a version" error={flows.error} />}
          {flows.status === "ready" && changes.status !== "loading" && (
            <>
              <VersionCanvas version={from} flow={flows.data.before} catalogue={catalogue} marks={marks} />
              <VersionCanvas version={to} flow={flows.data.after} catalogue={catalogue} marks={marks} />
            </>
          )}
        </div>
      </div>
    </Modal>
  );
}

function ChangeList({ changes }: { readonly changes: readonly FlowChange[] }) {
  if (changes.length === 0) return <p className="muted">No differences.</p>;
  return (
    <ol className="vchanges">
      {changes.map((change, index) => (
        <li key={index} className={`vchange vchange--${changeMark(change)}`} data-testid="version-change" data-change={change.type}>
          {describeFlowChange(change)}
        </li>
      ))}
    </ol>
  );
}
