// The open data table's rows on the Tables screen: a page in an order, through filters, the rows
// ticked (to delete), and the row form that adds or edits one. Part of the tables slice
// (`tables.ts`), which hands it the open table and its tickets. A value that does not read as
// its column's type is refused before the backend is asked, in the backend's own shape.
import type { AppError, Outcome, RowFilter, RowProblem, RowSort, RowsPage, TableRow } from "../api";
import { ID_COLUMN, ROWS_PAGE_SIZE, editableColumns, nextSort, rowValues } from "../lib/tableRows";
import { loadable, type Loadable } from "../lib/loadable";
import type { TableContext } from "./tables";
import { invalidRows } from "../lib/errors";

/** The open table's rows: a page in an order, through filters, and the rows ticked. */
export type RowsView = {
  readonly sort: RowSort | null;
  readonly filters: readonly RowFilter[];
  readonly offset: number;
  readonly page: Loadable<RowsPage>;
  readonly selected: readonly number[];
};

/** The row form: a new row (`row` null) or one being edited, and why its last save was refused. */
export type RowForm = { readonly row: TableRow | null; readonly saving: boolean; readonly error: AppError | null };

export const noRows: RowsView = { sort: null, filters: [], offset: 0, page: { status: "loading" }, selected: [] };

export type RowActions = {
  /** A header click: sorts by `column`, ascending, then descending, then not at all. */
  readonly sortRows: (column: string) => Promise<void>;
  readonly setRowFilters: (filters: readonly RowFilter[]) => Promise<void>;
  readonly pageRows: (offset: number) => Promise<void>;
  readonly selectRows: (ids: readonly number[]) => void;
  readonly deleteSelectedRows: () => Promise<void>;
  /** Opens the row form on a row to edit, or (null) on a new one. */
  readonly openRowForm: (row: TableRow | null) => void;
  readonly closeRowForm: () => void;
  /** Saves the row form's texts (read as each column's type) as a new row or the edited one. */
  readonly saveRow: (texts: Readonly<Record<string, string>>) => Promise<void>;
};

function invalidRow(problems: RowProblem[]): AppError {
  return invalidRows("Some values do not read as their column's type.", problems);
}

export function createRowActions({ set, api, tables, patch, openName, paneTicket, rowsTicket, refreshList }: TableContext) {
  const patchRows = (change: Partial<RowsView>) => {
    patch({ rows: { ...tables().rows, ...change } });
  };

  async function loadRows(): Promise<void> {
    const name = openName();
    if (name === null) return;
    const ticket = rowsTicket.next();
    const { sort, filters, offset, page } = tables().rows;
    if (page.status !== "ready") patchRows({ page: { status: "loading" } });
    const outcome = await api.tableRows(name, { offset, limit: ROWS_PAGE_SIZE, sort, filters: [...filters] });
    if (ticket !== rowsTicket.current()) return;
    // Deleting the last rows of the last page leaves nothing there: show the page before.
    if (outcome.status === "ok" && outcome.data.rows.length === 0 && offset > 0 && outcome.data.total_rows > 0) {
      patchRows({ offset: Math.floor((outcome.data.total_rows - 1) / ROWS_PAGE_SIZE) * ROWS_PAGE_SIZE });
      await loadRows();
      return;
    }
    patchRows({ page: loadable(outcome) });
  }

  async function requery(change: Partial<RowsView>): Promise<void> {
    patchRows({ offset: 0, selected: [], ...change });
    await loadRows();
  }

  const actions: RowActions = {
    sortRows: (column) => requery({ sort: nextSort(tables().rows.sort, column) }),

    setRowFilters: (filters) => requery({ filters }),

    pageRows: async (offset) => {
      patchRows({ offset, selected: [] });
      await loadRows();
    },

    selectRows: (ids) => {
      patchRows({ selected: ids });
    },

    deleteSelectedRows: async () => {
      const name = openName();
      const ids = tables().rows.selected;
      if (name === null || ids.length === 0) return;
      const outcome = await api.deleteTableRows(name, [...ids]);
      if (outcome.status === "error") {
        set({ notice: outcome.error });
        return;
      }
      patchRows({ selected: [] });
      await Promise.all([loadRows(), refreshList()]);
    },

    openRowForm: (row) => {
      patch({ rowForm: { row, saving: false, error: null } });
    },

    closeRowForm: () => {
      patch({ rowForm: null });
    },

    saveRow: async (texts) => {
      const { rowForm: form, detail } = tables();
      const name = openName();
      if (form === null || form.saving || name === null || detail.status !== "ready") return;
      const id = form.row?.[ID_COLUMN];
      const values = rowValues(editableColumns(detail.data.schema.columns), texts, typeof id !== "number");
      if (!values.ok) {
        patch({ rowForm: { ...form, error: invalidRow(values.problems) } });
        return;
      }
      const ticket = paneTicket.current();
      patch({ rowForm: { ...form, saving: true } });
      const outcome: Outcome<unknown> =
        typeof id === "number" ? await api.updateTableRow(name, id, values.values) : await api.insertTableRow(name, values.values);
      if (ticket !== paneTicket.current()) return;
      if (outcome.status === "error") {
        patch({ rowForm: { ...form, saving: false, error: outcome.error } });
        return;
      }
      patch({ rowForm: null });
      await Promise.all([loadRows(), refreshList()]);
    },
  };
  return { actions, loadRows };
}
