// The open table's schema versions, newest first (who, when, what changed), and the chosen
// version beside the one before it: columns aligned by name, added ones green, removed red,
// modified amber with the fields that changed marked.
import { useState } from "react";
import type { TableVersion } from "../../api";
import { formatTimestamp } from "../../lib/format";
import { describeChange, diffSchemas, type DiffRow, type FactLine } from "../../lib/schemaDiff";
import { useAppState } from "../../store";
import { ErrorNotice } from "../ErrorNotice";

export function SchemaHistory() {
  const history = useAppState((state) => state.tables.history);
  const [chosen, setChosen] = useState<number | null>(null);

  if (history.status === "loading") {
    return (
      <p className="list-status" aria-busy="true">
        Loading the history…
      </p>
    );
  }
  if (history.status === "failed") return <ErrorNotice title="Could not read the history" error={history.error} />;
  const versions = history.data;
  const shown = versions.find((v) => v.version === chosen) ?? versions[0];

  return (
    <div className="schema-history">
      <ol className="versions">
        {versions.map((version) => (
          <li key={version.version}>
            <button
              type="button"
              className="version-card version"
              aria-current={version === shown ? "true" : undefined}
              data-testid="history-version"
              data-version={version.version}
              onClick={() => {
                setChosen(version.version);
              }}
            >
              <span className="version__head">
                <strong>Version {version.version}</strong>
                <span className="version__when">
                  {version.created_by ?? "someone"} · {formatTimestamp(version.created_at)}
                </span>
              </span>
              <ul className="version__changes">
                {version.changes.map((change, index) => (
                  <li key={index}>{describeChange(change)}</li>
                ))}
              </ul>
            </button>
          </li>
        ))}
      </ol>
      {shown !== undefined && <VersionDiff version={shown} />}
    </div>
  );
}

function VersionDiff({ version }: { readonly version: TableVersion }) {
  const rows = diffSchemas(version.previous_schema, version.new_schema);
  const before = version.previous_schema === null ? "Before (no table)" : `Version ${version.previous_schema.version}`;
  return (
    <section className="diff" aria-label={`Changes in version ${version.version}`} data-testid="schema-diff">
      <div className="diff__head">{before}</div>
      <div className="diff__head">Version {version.version}</div>
      {rows.map((row) => (
        <DiffLine key={row.name} row={row} />
      ))}
    </section>
  );
}

/**
 * One column on both sides. The status's test id sits on one cell per column: the new side
 * for an added or modified column, the old side for a removed one.
 */
function DiffLine({ row }: { readonly row: DiffRow }) {
  const marked = row.status === "same" ? undefined : `diff-${row.status}`;
  return (
    <>
      <DiffCell row={row} side="before" testId={row.status === "removed" ? marked : undefined} />
      <DiffCell row={row} side="after" testId={row.status === "removed" ? undefined : marked} />
    </>
  );
}

function DiffCell({ row, side, testId }: { readonly row: DiffRow; readonly side: "before" | "after"; readonly testId: string | undefined }) {
  const present = row.lines.some((line) => line[side] !== null);
  if (!present) return <div className="diff__cell diff__cell--absent" />;
  return (
    <div className={`diff__cell diff__cell--${row.status}`} data-testid={testId} data-column={row.name}>
      <code className="diff__name">{row.name}</code>
      <dl className="diff__facts">
        {row.lines.map((line) => (
          <Fact key={line.label} line={line} side={side} />
        ))}
      </dl>
    </div>
  );
}

function Fact({ line, side }: { readonly line: FactLine; readonly side: "before" | "after" }) {
  return (
    <div className={`diff__fact${line.changed ? " diff__fact--changed" : ""}`} data-changed={line.changed || undefined}>
      <dt>{line.label}</dt>
      <dd>{line[side]}</dd>
    </div>
  );
}
