// Beside the SQL: every table the template's source has — on this computer the data folder's files
// and the data tables, on a database the tables and views of its search path — with its columns and
// their types as a run reads them (a CSV file's inferred from every row), a CSV file's missing-value
// markers, and why a file cannot be read. Each is named as the SQL writes it.
import type { TableShape } from "../../api";
import type { Loadable } from "../../lib/loadable";

type Props = {
  readonly tables: Loadable<TableShape[]>;
  /** The name of the source they are read from. */
  readonly sourceName: string;
  /** Whether that source is this computer (its tables are files and data tables). */
  readonly local: boolean;
  readonly onRefresh: () => void;
};

/** Where a table comes from, in words: its data file, or what it is. */
export function tableOrigin(table: TableShape): string {
  if (table.file !== null) return table.file;
  switch (table.kind) {
    case "data_file":
      return "data file";
    case "data_table":
      return "data table";
    case "table":
      return "table";
    case "view":
      return "view";
  }
}

export function ReadableTables({ tables, sourceName, local, onRefresh }: Props) {
  return (
    <aside className="readable-tables" data-testid="readable-tables" aria-label={`Tables the SQL can read on ${sourceName}`}>
      <div className="readable-tables__head">
        <h3 className="template-section__title">
          Tables <span className="readable-tables__source" data-testid="readable-tables-source">on {sourceName}</span>
        </h3>
        <button type="button" className="button button--ghost" data-testid="readable-tables-refresh" onClick={onRefresh}>
          Refresh
        </button>
      </div>
      {tables.status === "loading" && <p className="template-section__hint">Reading the tables…</p>}
      {tables.status === "failed" && (
        <p className="sql-problems__failed" role="status">
          Could not read the tables: {tables.error.message}
        </p>
      )}
      {tables.status === "ready" && tables.data.length === 0 && (
        <p className="template-section__hint">{local ? "No data files or data tables yet." : "No tables or views on its search path that it may read."}</p>
      )}
      {tables.status === "ready" &&
        tables.data.map((table) => (
          <details
            key={table.name}
            className="readable-tables__table"
            data-testid="readable-table"
            data-table={table.name}
            data-kind={table.kind}
            open={tables.data.length <= 3}
          >
            <summary>
              <code>{table.name}</code> <span className="readable-tables__source">{tableOrigin(table)}</span>
            </summary>
            {table.problem !== null ? (
              <p className="sql-problems__item sql-problems__item--error">Cannot be read: {table.problem}</p>
            ) : (
              <table className="readable-tables__columns">
                <tbody>
                  {table.columns.map((column) => (
                    <tr key={column.name} data-testid="readable-column" data-column={column.name} data-type={column.type}>
                      <td>
                        <code>{column.name}</code>
                      </td>
                      <td className="readable-tables__type">{column.type}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            {table.missing !== null && (
              <p className="template-section__hint" data-testid="readable-missing">
                Missing values: {table.missing.map((m) => (m === "" ? "(empty)" : m)).join(", ")}
              </p>
            )}
          </details>
        ))}
    </aside>
  );
}
