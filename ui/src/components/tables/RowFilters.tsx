// The filter bar: a column, a comparison and a value make a filter (the value read as the
// column's type); the filters in force show as chips, each removable. All of them must hold.
import { useState, type SyntheticEvent } from "react";
import type { Column, FilterOp } from "../../api";
import { FILTER_OPS, ID_COLUMN, describeFilter, filterFromDraft, needsValue, type FilterDraft } from "../../lib/tableRows";
import { TYPE_HINTS } from "../../lib/tableValues";
import { useAppActions, useAppState } from "../../store";

export function RowFilters({ columns }: { readonly columns: readonly Column[] }) {
  const filters = useAppState((state) => state.tables.rows.filters);
  const { setRowFilters } = useAppActions();
  const [draft, setDraft] = useState<FilterDraft>({ column: columns[0]?.name ?? ID_COLUMN, op: "eq", text: "" });
  const [problem, setProblem] = useState<string | null>(null);
  const type = columns.find((c) => c.name === draft.column)?.data_type ?? "integer";

  const add = (event: SyntheticEvent) => {
    event.preventDefault();
    const made = filterFromDraft(columns, draft);
    if (!made.ok) {
      setProblem(made.message);
      return;
    }
    setProblem(null);
    setDraft({ ...draft, text: "" });
    void setRowFilters([...filters, made.filter]);
  };

  return (
    <div className="row-filters">
      <form className="row-filters__form" onSubmit={add} aria-label="Add a filter">
        <select
          className="field__input"
          aria-label="Column"
          data-testid="filter-column"
          value={draft.column}
          onChange={(event) => {
            setDraft({ ...draft, column: event.target.value });
          }}
        >
          <option value={ID_COLUMN}>{ID_COLUMN}</option>
          {columns.map((c) => (
            <option key={c.name} value={c.name}>
              {c.name}
            </option>
          ))}
        </select>
        <select
          className="field__input"
          aria-label="Comparison"
          data-testid="filter-op"
          value={draft.op}
          onChange={(event) => {
            setDraft({ ...draft, op: event.target.value as FilterOp });
          }}
        >
          {FILTER_OPS.map((o) => (
            <option key={o.op} value={o.op}>
              {o.label}
            </option>
          ))}
        </select>
        {needsValue(draft.op) && (
          <input
            className="field__input row-filters__value"
            aria-label="Value"
            data-testid="filter-value"
            placeholder={draft.op === "contains" ? "text" : TYPE_HINTS[type]}
            value={draft.text}
            onChange={(event) => {
              setDraft({ ...draft, text: event.target.value });
            }}
          />
        )}
        <button type="submit" className="button button--small" data-testid="filter-add">
          Add filter
        </button>
        {problem !== null && (
          <span className="row-filters__problem" role="alert" data-testid="filter-problem">
            {problem}
          </span>
        )}
      </form>
      {filters.length > 0 && (
        <div className="row-filters__chips">
          {filters.map((filter, index) => (
            <span key={index} className="row-filters__chip" data-testid="filter-chip">
              {describeFilter(filter)}
              <button
                type="button"
                className="row-filters__remove"
                aria-label={`Remove the filter ${describeFilter(filter)}`}
                onClick={() => void setRowFilters(filters.filter((_, i) => i !== index))}
              >
                ✕
              </button>
            </span>
          ))}
          <button type="button" className="button button--small button--ghost" data-testid="filter-clear" onClick={() => void setRowFilters([])}>
            Clear filters
          </button>
        </div>
      )}
    </div>
  );
}
