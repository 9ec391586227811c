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
import { AddRowButton, FlagCell, HeadingRow, RowButton, TextCell, TypeCell } from "../RowFields";
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
        <HeadingRow
          grid="column-grid"
          headings={[
            "Name",
            "Type",
            { text: "Req.", title: "Every row needs a value" },
            { text: "Uniq.", title: "No two rows share a value" },
            { text: "Idx.", title: "Indexed for faster filters and sorts" },
            "Default",
            "",
          ]}
        />
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
      <AddRowButton
        className="columns-editor__add"
        testId="column-add"
        onClick={() => {
          onChange(addColumn(columns));
        }}
      >
        + Add column
      </AddRowButton>
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
        <TextCell
          testId="column-name"
          label="Column name"
          placeholder="snake_case_name"
          value={column.name}
          onChange={(name) => {
            update({ name });
          }}
        />
        <TypeCell
          testId="column-type"
          label={`Type of ${label}`}
          types={COLUMN_TYPES}
          value={column.type}
          onChange={(type) => {
            update({ type });
          }}
        />
        {(["required", "unique", "indexed"] as const).map((flag) => (
          <FlagCell
            key={flag}
            className="column-row__flag"
            testId={`column-${flag}`}
            label={`${label} is ${flag}`}
            checked={column[flag]}
            onChange={(checked) => {
              update({ [flag]: checked });
            }}
          />
        ))}
        <TextCell
          testId="column-default"
          label={`Default value of ${label}`}
          title={`Default: ${TYPE_HINTS[column.type]}`}
          placeholder="none"
          value={column.defaultValue}
          onChange={(defaultValue) => {
            update({ defaultValue });
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
          <RowButton
            testId="column-up"
            label={`Move ${label} up`}
            disabled={first}
            onClick={() => {
              onChange((columns) => moveColumn(columns, key, -1));
            }}
          >
            ↑
          </RowButton>
          <RowButton
            testId="column-down"
            label={`Move ${label} down`}
            disabled={last}
            onClick={() => {
              onChange((columns) => moveColumn(columns, key, 1));
            }}
          >
            ↓
          </RowButton>
          <RowButton
            testId="column-remove"
            label={`Remove ${label}`}
            onClick={() => {
              onChange((columns) => removeColumn(columns, key));
            }}
          >
            ✕
          </RowButton>
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
