// The row form: one input per column, typed as the column is (allowed values and booleans as
// choices, long text and JSON in a text area), for a new row or one being edited. A refused
// save shows each problem under the column it names.
import { useState, type SyntheticEvent } from "react";
import type { Column, TableSchema } from "../../api";
import { ID_COLUMN, choices, editableColumns, inputKind, problemsByColumn, rowTexts } from "../../lib/tableRows";
import { TYPE_HINTS } from "../../lib/tableValues";
import { useAppActions } from "../../store";
import type { RowForm } from "../../store/tableRows";
import { Modal } from "../Modal";
import { rowProblemsOf } from "../../lib/errors";

export function RowDialog({ schema, form }: { readonly schema: TableSchema; readonly form: RowForm }) {
  const { saveRow, closeRowForm } = useAppActions();
  const columns = editableColumns(schema.columns);
  const [texts, setTexts] = useState(() => rowTexts(columns, form.row));
  const id = form.row?.[ID_COLUMN];
  const problems = problemsByColumn(form.error ? rowProblemsOf(form.error) : []);
  // Problems naming no column of the form (a rule across rows, say) are shown above it.
  const elsewhere = [...problems].filter(([column]) => !columns.some((c) => c.name === column));

  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    void saveRow(texts);
  };

  return (
    <Modal onClose={closeRowForm} testId="row-dialog" className="modal modal--wide" title={typeof id === "number" ? `Row ${id}` : "New row"} onSubmit={submit}>
      {form.error !== null && (
        <div className="modal__error" data-testid="row-error">
          {form.error.message}
          {elsewhere.map(([column, messages]) => (
            <div key={column}>
              <code>{column}</code>: {messages.join("; ")}
            </div>
          ))}
        </div>
      )}
      <div className="row-form">
        {columns.map((column) => (
          <RowField
            key={column.name}
            column={column}
            value={texts[column.name] ?? ""}
            problems={problems.get(column.name) ?? []}
            onChange={(text) => {
              setTexts({ ...texts, [column.name]: text });
            }}
          />
        ))}
      </div>
      <div className="modal__actions">
        <button type="button" className="button button--ghost" onClick={closeRowForm}>
          Cancel
        </button>
        <button type="submit" className="button button--primary" data-testid="row-save" aria-busy={form.saving}>
          {form.saving ? "Saving…" : typeof id === "number" ? "Save row" : "Add row"}
        </button>
      </div>
    </Modal>
  );
}

type FieldProps = {
  readonly column: Column;
  readonly value: string;
  readonly problems: readonly string[];
  readonly onChange: (text: string) => void;
};

function RowField({ column, value, problems, onChange }: FieldProps) {
  const kind = inputKind(column);
  const common = {
    className: "field__input",
    "data-testid": "row-input",
    "data-column": column.name,
    "aria-invalid": problems.length > 0,
    value,
    onChange: (event: { target: { value: string } }) => {
      onChange(event.target.value);
    },
  };
  const fallback = column.default_value;
  const placeholder =
    fallback === undefined || fallback === null ? TYPE_HINTS[column.data_type] : `default: ${JSON.stringify(fallback)}`;
  return (
    <label className="field">
      <span className="field__label">
        {column.display_name !== undefined && column.display_name !== "" ? column.display_name : column.name}
        <span className="field__type">
          {column.data_type}
          {column.required === true ? ", required" : ""}
        </span>
      </span>
      {kind === "choice" || kind === "boolean" ? (
        <select {...common}>
          <option value="">{placeholder}</option>
          {(kind === "choice" ? choices(column) : ["true", "false"]).map((choice) => (
            <option key={choice} value={choice}>
              {choice}
            </option>
          ))}
        </select>
      ) : kind === "long-text" ? (
        <textarea {...common} rows={3} placeholder={placeholder} />
      ) : (
        <input {...common} placeholder={placeholder} />
      )}
      {problems.map((message) => (
        <span key={message} className="field__problem" data-testid="row-problem">
          {message}
        </span>
      ))}
    </label>
  );
}
