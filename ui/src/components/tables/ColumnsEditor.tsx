// A table's columns as rows of inputs: name, type, flags, default, and the rules that mean
// something for the column's type (under "Rules"). Controlled: the schema editor and the
// import wizard each hold the drafts; problems are shown under the column they name.
import { useState } from "react";
import type { SchemaProblem } from "../../api";
import {
  COLUMN_TYPES,
  addColumn,
  hasRules,
  moveColumn,
  problemsOf,
  removeColumn,
  updateColumn,
  type ColumnDraft,
} from "../../lib/tableSchema";
import { TYPE_HINTS } from "../../lib/tableValues";
import { ColumnRules } from "./ColumnRules";

type Props = {
  readonly columns: readonly ColumnDraft[];
  readonly onChange: (columns: ColumnDraft[]) => void;
  readonly problems: readonly SchemaProblem[];
  /** The tables a reference column may point at. */
  readonly tableNames: readonly string[];
};

export function ColumnsEditor({ columns, onChange, problems, tableNames }: Props) {
  return (
    <div className="columns-editor">
      {columns.length > 0 && (
        <div className="column-grid column-grid--head" aria-hidden="true">
          <span>Name</span>
          <span>Type</span>
          <span title="Every row needs a value">Req.</span>
          <span title="No two rows share a value">Uniq.</span>
          <span title="Indexed for faster filters and sorts">Idx.</span>
          <span>Default</span>
          <span />
        </div>
      )}
      {columns.length === 0 && <p className="columns-editor__empty">No columns yet: add the table's first column.</p>}
      {columns.map((column, index) => (
        <ColumnRow
          key={column.key}
          column={column}
          first={index === 0}
          last={index === columns.length - 1}
          problems={problemsOf(problems, column.name.trim())}
          tableNames={tableNames}
          onChange={(change) => {
            onChange(change(columns));
          }}
        />
      ))}
      <button
        type="button"
        className="button button--small columns-editor__add"
        data-testid="column-add"
        onClick={() => {
          onChange(addColumn(columns));
        }}
      >
        + Add column
      </button>
    </div>
  );
}

type RowProps = {
  readonly column: ColumnDraft;
  readonly first: boolean;
  readonly last: boolean;
  readonly problems: readonly string[];
  readonly tableNames: readonly string[];
  readonly onChange: (change: (columns: readonly ColumnDraft[]) => ColumnDraft[]) => void;
};

function ColumnRow({ column, first, last, problems, tableNames, onChange }: RowProps) {
  const [rulesOpen, setRulesOpen] = useState(() => hasRules(column) || column.displayName !== "");
  const { key } = column;
  const update = (patch: Partial<Omit<ColumnDraft, "key">>) => {
    onChange((columns) => updateColumn(columns, key, patch));
  };
  const label = column.name === "" ? "the new column" : column.name;

  return (
    <div className={`column-row${problems.length > 0 ? " column-row--invalid" : ""}`} data-testid="column" data-column={column.name}>
      <div className="column-grid">
        <input
          className="field__input"
          data-testid="column-name"
          aria-label="Column name"
          placeholder="snake_case_name"
          value={column.name}
          onChange={(event) => {
            update({ name: event.target.value });
          }}
        />
        <select
          className="field__input"
          data-testid="column-type"
          aria-label={`Type of ${label}`}
          value={column.type}
          onChange={(event) => {
            update({ type: event.target.value as ColumnDraft["type"] });
          }}
        >
          {COLUMN_TYPES.map((type) => (
            <option key={type} value={type}>
              {type}
            </option>
          ))}
        </select>
        {(["required", "unique", "indexed"] as const).map((flag) => (
          <input
            key={flag}
            type="checkbox"
            className="column-row__flag"
            data-testid={`column-${flag}`}
            aria-label={`${label} is ${flag}`}
            checked={column[flag]}
            onChange={(event) => {
              update({ [flag]: event.target.checked });
            }}
          />
        ))}
        <input
          className="field__input"
          data-testid="column-default"
          aria-label={`Default value of ${label}`}
          title={`Default: ${TYPE_HINTS[column.type]}`}
          placeholder="none"
          value={column.defaultValue}
          onChange={(event) => {
            update({ defaultValue: event.target.value });
          }}
        />
        <div className="column-row__tools">
          <button
            type="button"
            className="button button--small button--ghost"
            data-testid="column-rules"
            aria-expanded={rulesOpen}
            onClick={() => {
              setRulesOpen(!rulesOpen);
            }}
          >
            Rules{hasRules(column) ? " •" : ""}
          </button>
          <button
            type="button"
            className="button button--small button--ghost"
            data-testid="column-up"
            aria-label={`Move ${label} up`}
            disabled={first}
            onClick={() => {
              onChange((columns) => moveColumn(columns, key, -1));
            }}
          >
            ↑
          </button>
          <button
            type="button"
            className="button button--small button--ghost"
            data-testid="column-down"
            aria-label={`Move ${label} down`}
            disabled={last}
            onClick={() => {
              onChange((columns) => moveColumn(columns, key, 1));
            }}
          >
            ↓
          </button>
          <button
            type="button"
            className="button button--small button--ghost"
            data-testid="column-remove"
            aria-label={`Remove ${label}`}
            onClick={() => {
              onChange((columns) => removeColumn(columns, key));
            }}
          >
            ✕
          </button>
        </div>
      </div>
      {rulesOpen && <ColumnRules column={column} tableNames={tableNames} onChange={onChange} />}
      {problems.length > 0 && (
        <ul className="column-row__problems">
          {problems.map((message) => (
            <li key={message} data-testid="column-problem">
              {message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
