// The import wizard: a file (chosen with Browse: the app reads only a file chosen in its dialog), a new table (named after the file,
// its inferred columns shown and adjustable) or an existing one, whether to skip invalid rows;
// then what came of it: the rows imported, or every refused row's line, column and problem,
// with the same import to try again once the file is fixed. The steps are the store's.
import type { SchemaProblem } from "../../api";
import { plural } from "../../lib/format";
import { describeFileImport, importProblems, newTableName, type ImportRun } from "../../lib/tableImport";
import { useAppActions, useAppState } from "../../store";
import { CheckIcon, ErrorIcon } from "../icons";
import { ColumnsEditor } from "./ColumnsEditor";
import { useTableNames } from "./SchemaEditor";
import { schemaProblemsOf } from "../../lib/errors";

const noProblems: readonly SchemaProblem[] = [];

export function TableImport() {
  const wizard = useAppState((state) => state.tables.wizard);
  const tableNames = useTableNames();
  const { editImport, browseImportFile, runTableImport } = useAppActions();
  const { choices, run } = wizard;
  const refused = run.status === "failed" ? schemaProblemsOf(run.error) : run.status === "invalid" ? run.problems : noProblems;

  return (
    <form
      className="import-wizard"
      aria-label="Import a file"
      onSubmit={(event) => {
        event.preventDefault();
        void runTableImport();
      }}
    >
      <h2 className="pane-title">Import a file</h2>
      <section className="import-wizard__step">
        <h3 className="import-wizard__heading">File</h3>
        <div className="import-wizard__path">
          <input
            className="field__input field__input--mono"
            data-testid="import-path"
            aria-label="The file to import"
            placeholder="Choose a file: CSV, JSON, JSON Lines or Parquet"
            value={choices.path}
            readOnly
          />
          <button type="button" className="button" data-testid="import-browse" onClick={() => void browseImportFile()}>
            Browse…
          </button>
        </div>
      </section>
      <section className="import-wizard__step">
        <h3 className="import-wizard__heading">Into</h3>
        <div className="import-wizard__targets" role="radiogroup" aria-label="Import into">
          <label className="field--check">
            <input
              type="radio"
              name="import-target"
              data-testid="import-target-new"
              checked={choices.target === "new"}
              onChange={() => {
                editImport({ target: "new" });
              }}
            />
            A new table
          </label>
          <label className="field--check">
            <input
              type="radio"
              name="import-target"
              data-testid="import-target-existing"
              checked={choices.target === "existing"}
              disabled={tableNames.length === 0}
              onChange={() => {
                editImport({ target: "existing" });
              }}
            />
            An existing table
          </label>
        </div>
        {choices.target === "new" ? (
          <>
            <label className="field">
              <span className="field__label">Table name</span>
              <input
                className="field__input field__input--mono"
                data-testid="import-new-name"
                value={newTableName(choices)}
                onChange={(event) => {
                  editImport({ newName: event.target.value });
                }}
              />
            </label>
            <InferredColumns />
            {choices.columns !== null && (
              <ColumnsEditor
                columns={choices.columns}
                onChange={(columns) => {
                  editImport({ columns });
                }}
                problems={refused}
                tableNames={tableNames}
              />
            )}
          </>
        ) : (
          <label className="field">
            <span className="field__label">Table</span>
            <select
              className="field__input"
              data-testid="import-existing-table"
              value={choices.existingName}
              onChange={(event) => {
                editImport({ existingName: event.target.value });
              }}
            >
              <option value="">Choose a table</option>
              {tableNames.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          </label>
        )}
      </section>
      <label className="field--check">
        <input
          type="checkbox"
          data-testid="import-skip-invalid"
          checked={choices.skipInvalid}
          onChange={(event) => {
            editImport({ skipInvalid: event.target.checked });
          }}
        />
        Skip invalid rows (they are listed in a report file beside the source)
      </label>
      <div className="schema-editor__actions">
        <button type="submit" className="button button--primary" data-testid="import-run" aria-busy={run.status === "importing"}>
          {run.status === "importing" ? "Importing…" : "Import"}
        </button>
      </div>
      <ImportOutcome run={run} />
    </form>
  );
}

/**
 * Reading the file's columns to adjust them: the button, the wait, or why the file could not
 * be read. Only on request (or after Browse), so nothing moves while the path is typed.
 */
function InferredColumns() {
  const { choices, inference } = useAppState((state) => state.tables.wizard);
  const { inferImportColumns } = useAppActions();
  if (inference.status === "reading") {
    return (
      <p className="field__hint" aria-busy="true">
        Reading the file's columns…
      </p>
    );
  }
  if (choices.columns !== null || choices.path.trim() === "") return null;
  return (
    <div className="import-wizard__infer">
      <button type="button" className="button button--small" data-testid="import-read-columns" onClick={() => void inferImportColumns()}>
        Read the columns
      </button>
      <span className="field__hint">to see and change their types; otherwise they are inferred as the file is imported.</span>
      {inference.status === "failed" && (
        <span className="field__problem" data-testid="import-infer-error">
          {inference.error.message}
        </span>
      )}
    </div>
  );
}

function ImportOutcome({ run }: { readonly run: ImportRun }) {
  const { retryTableImport, showTable } = useAppActions();
  switch (run.status) {
    case "idle":
    case "importing":
      return null;
    case "invalid":
      return (
        <div className="refusal" role="alert" data-testid="import-invalid">
          {run.problems.map((p) => (
            <span key={p.message}>{p.column === null ? p.message : `${p.column}: ${p.message}`}</span>
          ))}
        </div>
      );
    case "done":
      return (
        <div className="notice notice--ok" role="status" data-testid="import-result">
          <span className="notice__icon">
            <CheckIcon />
          </span>
          <div className="notice__text">
            {describeFileImport(run.result).map((line) => (
              <span key={line}>{line}</span>
            ))}
          </div>
          <div className="notice__actions">
            <button type="button" className="button" data-testid="import-open-table" onClick={() => void showTable(run.result.table)}>
              Open {run.result.table}
            </button>
          </div>
        </div>
      );
    case "failed": {
      const problems = importProblems(run.error);
      return (
        <div className="notice notice--error" role="alert" data-testid="import-error" data-error-code={run.error.code}>
          <span className="notice__icon">
            <ErrorIcon />
          </span>
          <div className="notice__text">
            <strong className="notice__title">
              {problems.length > 0 ? `Nothing was imported: ${plural(problems.length, "problem")} in the file` : "Nothing was imported"}
            </strong>
            <span>{run.error.message}</span>
            {schemaProblemsOf(run.error).map((p) => (
              <span key={`${p.column ?? ""}: ${p.message}`} data-testid="import-schema-problem">
                {p.column === null ? p.message : `${p.column}: ${p.message}`}
              </span>
            ))}
            {problems.length > 0 && (
              <table className="import-problems" data-testid="import-problems">
                <thead>
                  <tr>
                    <th>Line</th>
                    <th>Column</th>
                    <th>Problem</th>
                  </tr>
                </thead>
                <tbody>
                  {problems.map((p, index) => (
                    <tr key={index} data-testid="import-problem" data-line={p.row} data-column={p.column}>
                      <td>{p.row}</td>
                      <td>
                        <code>{p.column}</code>
                      </td>
                      <td>{p.message}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>
          <div className="notice__actions">
            <button type="button" className="button" data-testid="import-retry" onClick={() => void retryTableImport()}>
              Try again
            </button>
          </div>
        </div>
      );
    }
  }
}

