// The open table's rows: how many the filters let through, the filter bar, a page of rows
// (virtualised) whose headers sort, the pager, and adding, editing and deleting rows.
import { PageButtons } from "../PageButtons";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useRef, useState } from "react";
import type { RowSort, RowsPage, TableRow, TableSchema } from "../../api";
import { cellText, neighbours, pageLabel } from "../../lib/results";
import { ID_COLUMN, ROWS_PAGE_SIZE, rowCount, rowIds } from "../../lib/tableRows";
import { useAppActions, useAppState } from "../../store";
import { ErrorNotice } from "../ErrorNotice";
import { ConfirmDialog } from "../NameDialog";
import { RowDialog } from "./RowDialog";
import { RowFilters } from "./RowFilters";

const ROW_HEIGHT = 28;

export function RowBrowser({ schema }: { readonly schema: TableSchema }) {
  const rows = useAppState((state) => state.tables.rows);
  const rowForm = useAppState((state) => state.tables.rowForm);
  const { openRowForm, deleteSelectedRows, pageRows } = useAppActions();
  const [confirming, setConfirming] = useState(false);
  const { page, selected, filters } = rows;

  return (
    <div className="rows">
      <div className="rows__bar">
        <span className="rows__total" data-testid="rows-total" data-total={page.status === "ready" ? page.data.total_rows : undefined}>
          {page.status === "ready" ? rowCount(page.data.total_rows) : "…"}
          {filters.length > 0 && page.status === "ready" && " (filtered)"}
        </span>
        <button
          type="button"
          className="button button--small button--primary"
          data-testid="row-add"
          onClick={() => {
            openRowForm(null);
          }}
        >
          Add row
        </button>
        <button
          type="button"
          className="button button--small button--danger"
          data-testid="rows-delete"
          disabled={selected.length === 0}
          onClick={() => {
            setConfirming(true);
          }}
        >
          Delete {selected.length > 0 ? rowCount(selected.length) : "rows"}
        </button>
        {page.status === "ready" && <Pager page={page.data} onPage={(offset) => void pageRows(offset)} />}
      </div>
      <RowFilters columns={schema.columns} />
      {page.status === "loading" && (
        <p className="list-status" aria-busy="true">
          Loading rows…
        </p>
      )}
      {page.status === "failed" && <ErrorNotice title="Could not read the rows" error={page.error} onRetry={() => void pageRows(rows.offset)} />}
      {page.status === "ready" && (
        <RowTable
          schema={schema}
          page={page.data}
          empty={filters.length > 0 ? "No rows match the filters." : "No rows yet: add one, or import a file into this table."}
        />
      )}
      {rowForm !== null && <RowDialog schema={schema} form={rowForm} />}
      {confirming && (
        <ConfirmDialog
          title={`Delete ${rowCount(selected.length)}?`}
          confirm="Delete"
          onConfirm={() => {
            setConfirming(false);
            void deleteSelectedRows();
          }}
          onCancel={() => {
            setConfirming(false);
          }}
        >
          Rows of other tables that refer to them follow their own delete rule (cascade, set-null or restrict).
        </ConfirmDialog>
      )}
    </div>
  );
}

function Pager({ page, onPage }: { readonly page: RowsPage; readonly onPage: (offset: number) => void }) {
  const { previous, next } = neighbours(page, ROWS_PAGE_SIZE);
  if (previous === null && next === null) return null;
  return (
    <div className="rows__pager">
      <span className="rows__span">{pageLabel(page)}</span>
      <PageButtons previous={previous} next={next} onPage={onPage} testIdPrefix="rows" />
    </div>
  );
}

function sortMark(sort: RowSort | null, column: string): string {
  if (sort?.column !== column) return "";
  return sort.descending === true ? " ▼" : " ▲";
}

type TableProps = { readonly schema: TableSchema; readonly page: RowsPage; readonly empty: string };

function RowTable({ schema, page, empty }: TableProps) {
  const sort = useAppState((state) => state.tables.rows.sort);
  const selected = useAppState((state) => state.tables.rows.selected);
  const { sortRows, selectRows, openRowForm } = useAppActions();
  const scroller = useRef<HTMLDivElement>(null);
  // The virtualiser hands back functions that must not be memoised; this component is meant
  // to re-render with it, so the React Compiler's skip is what we want.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtual = useVirtualizer({
    count: page.rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const ids = rowIds(page.rows);
  const allTicked = ids.length > 0 && ids.every((id) => selected.includes(id));
  const template = `36px 64px repeat(${schema.columns.length}, minmax(120px, 1fr))`;
  const headers = [{ name: ID_COLUMN, type: "id" }, ...schema.columns.map((c) => ({ name: c.name, type: c.data_type }))];
  const toggle = (id: number) => {
    selectRows(selected.includes(id) ? selected.filter((s) => s !== id) : [...selected, id]);
  };

  return (
    <div className="rtable dtable" ref={scroller} role="table" aria-rowcount={page.total_rows}>
      <div className="rtable__head" role="row" style={{ gridTemplateColumns: template }}>
        <div className="rtable__th dtable__tick" role="columnheader">
          <input
            type="checkbox"
            aria-label="Select the rows of this page"
            data-testid="rows-select-page"
            checked={allTicked}
            onChange={() => {
              selectRows(allTicked ? [] : ids);
            }}
          />
        </div>
        {headers.map((header) => (
          <button
            key={header.name}
            type="button"
            className="rtable__th dtable__sort"
            role="columnheader"
            aria-sort={sort?.column === header.name ? (sort.descending === true ? "descending" : "ascending") : "none"}
            data-testid="column-header"
            data-column={header.name}
            onClick={() => void sortRows(header.name)}
          >
            <span className="rtable__name">
              {header.name}
              {sortMark(sort, header.name)}
            </span>
            <span className="rtable__type">{header.type}</span>
          </button>
        ))}
      </div>
      {page.rows.length === 0 && <p className="rows__empty">{empty}</p>}
      <div className="rtable__body" style={{ height: virtual.getTotalSize() }}>
        {virtual.getVirtualItems().map((item) => {
          const row: TableRow = page.rows[item.index] ?? {};
          const id = row[ID_COLUMN];
          return (
            <div
              key={item.key}
              className="rtable__row dtable__row"
              role="row"
              data-testid="data-row"
              data-row-id={typeof id === "number" ? id : undefined}
              aria-selected={typeof id === "number" && selected.includes(id)}
              style={{ gridTemplateColumns: template, transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
              onClick={() => {
                openRowForm(row);
              }}
            >
              <div
                className="rtable__td dtable__tick"
                role="cell"
                onClick={(event) => {
                  // Ticking a row selects it; it does not open the row.
                  event.stopPropagation();
                }}
              >
                {typeof id === "number" && (
                  <input
                    type="checkbox"
                    aria-label={`Select row ${id}`}
                    data-testid="row-select"
                    checked={selected.includes(id)}
                    onChange={() => {
                      toggle(id);
                    }}
                  />
                )}
              </div>
              {headers.map((header) => (
                <div key={header.name} className="rtable__td" role="cell" title={cellText(row[header.name])}>
                  {cellText(row[header.name])}
                </div>
              ))}
            </div>
          );
        })}
      </div>
    </div>
  );
}
