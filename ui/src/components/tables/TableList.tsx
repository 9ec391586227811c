// The workspace's data tables beside the open one, with the buttons that make a new one.
import type { TableSummary } from "../../api";
import { plural } from "../../lib/format";
import { rowCount } from "../../lib/tableRows";
import { useAppActions, useAppState } from "../../store";
import { ErrorNotice } from "../ErrorNotice";
import { ImportIcon } from "../icons";

export function TableList() {
  const list = useAppState((state) => state.tables.list);
  const pane = useAppState((state) => state.tables.pane);
  const { openTables, startNewTable, startTableImport } = useAppActions();
  const open = pane.kind === "table" ? pane.name : null;

  return (
    <aside className="side-list table-list" aria-label="Data tables">
      <div className="table-list__actions">
        <button type="button" className="button button--primary" data-testid="new-table" onClick={startNewTable}>
          New table
        </button>
        <button type="button" className="button" data-testid="import-table-file" onClick={startTableImport}>
          <ImportIcon />
          Import file…
        </button>
      </div>
      {list.status === "loading" && (
        <p className="list-status" aria-busy="true">
          Loading tables…
        </p>
      )}
      {list.status === "failed" && (
        <ErrorNotice title="Could not list the tables" error={list.error} onRetry={() => void openTables()} />
      )}
      {list.status === "ready" && list.data.length === 0 && (
        <p className="side-list__empty" data-testid="table-list-empty">
          No tables yet. Define one, or import a CSV, JSON or Parquet file.
        </p>
      )}
      {list.status === "ready" && list.data.length > 0 && (
        <ul className="side-list__items">
          {list.data.map((table) => (
            <TableItem key={table.name} table={table} open={table.name === open} />
          ))}
        </ul>
      )}
    </aside>
  );
}

function TableItem({ table, open }: { readonly table: TableSummary; readonly open: boolean }) {
  const { showTable } = useAppActions();
  return (
    <li>
      <button
        type="button"
        className={`side-list__item table-item${open ? " side-list__item--open" : ""}`}
        aria-current={open ? "true" : undefined}
        data-testid="table-row"
        data-table={table.name}
        onClick={() => void showTable(table.name)}
      >
        <span className="table-item__title">
          <span className="table-item__name">{table.display_name === "" ? table.name : table.display_name}</span>
          {table.display_name !== "" && <code className="table-item__code">{table.name}</code>}
        </span>
        <span className="table-item__meta">
          v{table.version} · {plural(table.columns, "column")} · {rowCount(table.rows)}
        </span>
      </button>
    </li>
  );
}
