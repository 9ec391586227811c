// Defining a table: a new one (name, display name, columns) or the open one's columns. The
// drafts are this form's; saving is the store's (`createTable` / `alterTable`), which keeps
// why a save was refused: problems by column, or the rows a change would break.
import { useMemo, useState, type SyntheticEvent } from "react";
import type { AppError, SchemaProblem, TableDetail } from "../../api";
import { columnDrafts, type ColumnDraft } from "../../lib/tableSchema";
import { useAppActions, useAppState } from "../../store";
import type { SchemaSave } from "../../store/tables";
import { ColumnsEditor } from "./ColumnsEditor";
import { rowProblemsOf, schemaProblemsOf } from "../../lib/errors";

const noProblems: readonly SchemaProblem[] = [];

function refusal(save: SchemaSave): AppError | null {
  return save.status === "failed" ? save.error : null;
}

/** The names of the workspace's tables (reference targets, existing tables to import into). */
export function useTableNames(): readonly string[] {
  const list = useAppState((state) => state.tables.list);
  return useMemo(() => (list.status === "ready" ? list.data.map((t) => t.name) : []), [list]);
}

export function NewTableEditor() {
  const save = useAppState((state) => state.tables.schemaSave);
  const tableNames = useTableNames();
  const { createTable } = useAppActions();
  const [name, setName] = useState("");
  const [displayName, setDisplayName] = useState("");
  const [columns, setColumns] = useState<readonly ColumnDraft[]>([]);
  const error = refusal(save);

  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    void createTable({ name, displayName, columns });
  };

  return (
    <form className="schema-editor" onSubmit={submit} aria-label="New table">
      <h2 className="pane-title">New table</h2>
      <div className="schema-editor__names">
        <label className="field">
          <span className="field__label">Name</span>
          <input
            className="field__input field__input--mono"
            data-testid="table-name"
            placeholder="customer_orders"
            autoFocus
            value={name}
            onChange={(event) => {
              setName(event.target.value);
            }}
          />
          <span className="field__hint">Lowercase snake_case; queries use it.</span>
        </label>
        <label className="field">
          <span className="field__label">Display name</span>
          <input
            className="field__input"
            data-testid="table-display-name"
            placeholder="Customer orders"
            value={displayName}
            onChange={(event) => {
              setDisplayName(event.target.value);
            }}
          />
        </label>
      </div>
      <ColumnsEditor columns={columns} onChange={setColumns} problems={error ? schemaProblemsOf(error) : noProblems} tableNames={tableNames} />
      {error && <SaveRefusal error={error} />}
      <div className="schema-editor__actions">
        <button type="submit" className="button button--primary" data-testid="save-schema" aria-busy={save.status === "saving"}>
          {save.status === "saving" ? "Creating…" : "Create table"}
        </button>
      </div>
    </form>
  );
}

/** The open table's columns, to change as a new version. Remounted after each save. */
export function TableSchemaEditor({ detail }: { readonly detail: TableDetail }) {
  const save = useAppState((state) => state.tables.schemaSave);
  const tableNames = useTableNames();
  const { alterTable } = useAppActions();
  const stored = useMemo(() => columnDrafts(detail.schema), [detail.schema]);
  const [columns, setColumns] = useState<readonly ColumnDraft[]>(stored);
  const changed = JSON.stringify(columns) !== JSON.stringify(stored);
  const error = refusal(save);

  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    void alterTable(columns);
  };

  return (
    <form className="schema-editor" onSubmit={submit} aria-label={`Columns of ${detail.summary.name}`}>
      <p className="schema-editor__note">
        Columns are matched by name: renaming one drops its values. Rows are checked against the new rules before
        anything changes.
      </p>
      <ColumnsEditor columns={columns} onChange={setColumns} problems={error ? schemaProblemsOf(error) : noProblems} tableNames={tableNames} />
      {error && <SaveRefusal error={error} />}
      <div className="schema-editor__actions">
        <button
          type="button"
          className="button button--ghost"
          data-testid="discard-schema"
          disabled={!changed}
          onClick={() => {
            setColumns(stored);
          }}
        >
          Discard changes
        </button>
        <button
          type="submit"
          className="button button--primary"
          data-testid="save-schema"
          disabled={!changed}
          aria-busy={save.status === "saving"}
        >
          {save.status === "saving" ? "Saving…" : `Save as version ${detail.summary.version + 1}`}
        </button>
      </div>
    </form>
  );
}

/** Why a save was refused: every problem of the definition, or the rows the change would break. */
function SaveRefusal({ error }: { readonly error: AppError }) {
  const schemaProblems = schemaProblemsOf(error);
  const rowProblems = rowProblemsOf(error);
  return (
    <div className="refusal" role="alert" data-testid="schema-problems" data-error-code={error.code}>
      <strong className="refusal__title">
        {error.code === "invalid_rows" ? "The rows would break this change" : "The table was not saved"}
      </strong>
      <span>{error.message}</span>
      {schemaProblems.length > 0 && (
        <ul className="refusal__list">
          {schemaProblems.map((p, index) => (
            <li key={index} data-testid="schema-problem">
              {p.column !== null && <code>{p.column === "" ? "(unnamed column)" : p.column}</code>} {p.message}
            </li>
          ))}
        </ul>
      )}
      {rowProblems.length > 0 && (
        <ul className="refusal__list">
          {rowProblems.map((p, index) => (
            <li key={index} data-testid="schema-row-problem">
              Row {p.row}, <code>{p.column}</code>: {p.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
