// Data tables ("FlexDB") on the Tables screen: the list, the open table (its rows, schema and
// history), schema changes, row edits, the import wizard and exports. Part of the app store
// (`store.ts`), which hands it its state, the backend and the file dialogs. A refused change
// keeps every problem for the form that made it, whether the backend named them or a value
// already failed to read as its type (the same AppError shape either way); answers for a
// table the user has left are dropped.
import type {
  AppError,
  ExportFormat,
  Outcome,
  RowFilter,
  RowProblem,
  RowSort,
  RowsPage,
  SchemaProblem,
  TableDetail,
  TableRow,
  TableSummary,
  TableVersion,
} from "./api";
import { ID_COLUMN, ROWS_PAGE_SIZE, editableColumns, nextSort, rowValues } from "./lib/tableRows";
import { columnDrafts, schemaFromDrafts, type ColumnDraft } from "./lib/tableSchema";
import { importRequest, noImportChoices, withPath, type ImportChoices, type ImportRequest, type ImportRun } from "./lib/tableImport";
import { loadable } from "./lib/loadable";
import type { Dialogs, Loadable, StoreAccess } from "./store";

export type TableTab = "rows" | "schema" | "history";

/** What the screen shows beside the list. */
export type TablePane =
  | { readonly kind: "none" }
  | { readonly kind: "new" }
  | { readonly kind: "import" }
  | { readonly kind: "table"; readonly name: string; readonly tab: TableTab };

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

export type SchemaSave =
  | { readonly status: "idle" }
  | { readonly status: "saving" }
  | { readonly status: "failed"; readonly error: AppError };

export type TableExport =
  | { readonly status: "idle" }
  | { readonly status: "busy" }
  | { readonly status: "done"; readonly path: string; readonly rows: number }
  | { readonly status: "failed"; readonly error: AppError };

export type ImportWizard = {
  readonly choices: ImportChoices;
  /** Reading the chosen file's columns, or why they could not be read. */
  readonly inference: { readonly status: "idle" } | { readonly status: "reading" } | { readonly status: "failed"; readonly error: AppError };
  readonly run: ImportRun;
};

export type TablesState = {
  readonly list: Loadable<TableSummary[]>;
  readonly pane: TablePane;
  readonly detail: Loadable<TableDetail>;
  readonly rows: RowsView;
  readonly history: Loadable<TableVersion[]>;
  readonly schemaSave: SchemaSave;
  readonly rowForm: RowForm | null;
  readonly exported: TableExport;
  readonly wizard: ImportWizard;
};

/** A new table as its form holds it. */
export type NewTableForm = { readonly name: string; readonly displayName: string; readonly columns: readonly ColumnDraft[] };

export type TableActions = {
  /** Shows the Tables screen and lists the tables. */
  readonly openTables: () => Promise<void>;
  /** Opens a table on `tab`: its schema, its first page of rows and its history. */
  readonly showTable: (name: string, tab?: TableTab) => Promise<void>;
  readonly showTableTab: (tab: TableTab) => void;
  readonly startNewTable: () => void;
  /** Creates a table from the schema editor's form and opens it on its rows. */
  readonly createTable: (form: NewTableForm) => Promise<void>;
  /** Changes the open table's columns to the editor's (a new version). */
  readonly alterTable: (columns: readonly ColumnDraft[]) => Promise<void>;
  readonly renameTable: (newName: string) => Promise<void>;
  /** Drops the open table with its rows (the screen asks first). */
  readonly dropTable: () => Promise<void>;
  /** Asks where to save the open table's rows and writes them there in `format`. */
  readonly exportTable: (format: ExportFormat) => Promise<void>;
  readonly dismissTableExport: () => void;
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
  readonly startTableImport: () => void;
  /** The wizard's file changed: columns read from another file are dropped. */
  readonly setImportPath: (path: string) => void;
  readonly editImport: (patch: Partial<Omit<ImportChoices, "path">>) => void;
  /** Asks for a file with the native dialog, then reads its columns. */
  readonly browseImportFile: () => Promise<void>;
  /** Reads the columns a new table would get from the wizard's file, to show and adjust. */
  readonly inferImportColumns: () => Promise<void>;
  readonly runTableImport: () => Promise<void>;
  /** Runs the last import again as it was asked (after the file was fixed). */
  readonly retryTableImport: () => Promise<void>;
};

const noRows: RowsView = { sort: null, filters: [], offset: 0, page: { status: "loading" }, selected: [] };

export const initialTables: TablesState = {
  list: { status: "loading" },
  pane: { kind: "none" },
  detail: { status: "loading" },
  rows: noRows,
  history: { status: "loading" },
  schemaSave: { status: "idle" },
  rowForm: null,
  exported: { status: "idle" },
  wizard: { choices: noImportChoices, inference: { status: "idle" }, run: { status: "idle" } },
};

/** Values that did not read as their column's type, refused like the backend refuses a table. */
function invalidTable(problems: SchemaProblem[]): AppError {
  return { code: "invalid_table", message: "Some values do not read as their column's type.", schema_problems: problems };
}

function invalidRow(problems: RowProblem[]): AppError {
  return { code: "invalid_rows", message: "Some values do not read as their column's type.", row_problems: problems };
}

type Shared = StoreAccess & {
  readonly dialogs: Dialogs;
};

export function createTableActions({ set, get, api, dialogs }: Shared): TableActions {
  // Changes whenever another pane is shown, and with every rows query: late answers are dropped.
  let paneTicket = 0;
  let rowsTicket = 0;

  const tables = () => get().tables;
  const patch = (change: Partial<TablesState>) => {
    set({ tables: { ...get().tables, ...change } });
  };
  const patchRows = (change: Partial<RowsView>) => {
    patch({ rows: { ...tables().rows, ...change } });
  };
  const patchWizard = (change: Partial<ImportWizard>) => {
    patch({ wizard: { ...tables().wizard, ...change } });
  };
  const openName = () => {
    const { pane } = tables();
    return pane.kind === "table" ? pane.name : null;
  };

  /** Shows `pane` with `change` applied; answers to anything asked before are dropped. */
  function enter(pane: TablePane, change: Partial<TablesState> = {}): number {
    rowsTicket++;
    set({
      tables: { ...tables(), pane, schemaSave: { status: "idle" }, rowForm: null, exported: { status: "idle" }, ...change },
      notice: null,
    });
    return ++paneTicket;
  }

  /** Lists the tables again; the open table's counts in its header follow the list's. */
  async function refreshList(): Promise<void> {
    const outcome = await api.listTables();
    const { list, detail } = tables();
    if (outcome.status === "error") {
      if (list.status !== "ready") patch({ list: loadable(outcome) });
      return;
    }
    const listed = detail.status === "ready" ? outcome.data.find((t) => t.name === detail.data.summary.name) : undefined;
    patch({
      list: loadable(outcome),
      detail: listed !== undefined && detail.status === "ready" ? { status: "ready", data: { ...detail.data, summary: listed } } : detail,
    });
  }

  async function refreshHistory(name: string): Promise<void> {
    const ticket = paneTicket;
    const outcome = await api.tableHistory(name);
    if (ticket === paneTicket) patch({ history: loadable(outcome) });
  }

  async function loadRows(): Promise<void> {
    const name = openName();
    if (name === null) return;
    const ticket = ++rowsTicket;
    const { sort, filters, offset, page } = tables().rows;
    if (page.status !== "ready") patchRows({ page: { status: "loading" } });
    const outcome = await api.tableRows(name, { offset, limit: ROWS_PAGE_SIZE, sort, filters: [...filters] });
    if (ticket !== rowsTicket) return;
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

  async function runImport(request: ImportRequest): Promise<void> {
    const ticket = paneTicket;
    patchWizard({ run: { status: "importing", request } });
    const outcome = await api.importTableFile(request.path, request.table, request.schema, request.skipInvalid);
    if (ticket !== paneTicket) return;
    patchWizard({
      run:
        outcome.status === "ok"
          ? { status: "done", request, result: outcome.data }
          : { status: "failed", request, error: outcome.error },
    });
    await refreshList();
  }

  const actions: TableActions = {
    openTables: async () => {
      set({ route: { screen: "tables" }, tables: { ...initialTables, list: tables().list } });
      enter({ kind: "none" });
      await refreshList();
    },

    showTable: async (name, tab = "rows") => {
      const ticket = enter(
        { kind: "table", name, tab },
        { detail: { status: "loading" }, history: { status: "loading" }, rows: noRows },
      );
      const [detail, history] = await Promise.all([api.getTable(name), api.tableHistory(name), loadRows()]);
      if (ticket === paneTicket) patch({ detail: loadable(detail), history: loadable(history) });
    },

    showTableTab: (tab) => {
      const { pane } = tables();
      // A refusal belongs to the form that made it, which leaving the tab discards.
      if (pane.kind === "table" && pane.tab !== tab) patch({ pane: { ...pane, tab }, schemaSave: { status: "idle" }, rowForm: null });
    },

    startNewTable: () => {
      enter({ kind: "new" });
    },

    createTable: async (form) => {
      const schema = schemaFromDrafts(form.columns);
      if (!schema.ok) {
        patch({ schemaSave: { status: "failed", error: invalidTable(schema.problems) } });
        return;
      }
      const ticket = paneTicket;
      patch({ schemaSave: { status: "saving" } });
      const outcome = await api.createTable(form.name.trim(), form.displayName.trim(), schema.schema);
      if (ticket !== paneTicket) return;
      if (outcome.status === "error") {
        patch({ schemaSave: { status: "failed", error: outcome.error } });
        return;
      }
      await Promise.all([refreshList(), actions.showTable(outcome.data.summary.name)]);
    },

    alterTable: async (columns) => {
      const name = openName();
      if (name === null) return;
      const schema = schemaFromDrafts(columns);
      if (!schema.ok) {
        patch({ schemaSave: { status: "failed", error: invalidTable(schema.problems) } });
        return;
      }
      const ticket = paneTicket;
      patch({ schemaSave: { status: "saving" } });
      const outcome = await api.alterTable(name, schema.schema);
      if (ticket !== paneTicket) return;
      if (outcome.status === "error") {
        patch({ schemaSave: { status: "failed", error: outcome.error } });
        return;
      }
      patch({ detail: { status: "ready", data: outcome.data }, schemaSave: { status: "idle" } });
      patchRows({ sort: null, filters: [], offset: 0, selected: [] });
      await Promise.all([refreshList(), refreshHistory(name), loadRows()]);
    },

    renameTable: async (newName) => {
      const { pane } = tables();
      if (pane.kind !== "table" || newName === pane.name) return;
      const ticket = paneTicket;
      const outcome = await api.renameTable(pane.name, newName);
      if (ticket !== paneTicket) return;
      if (outcome.status === "error") {
        set({ notice: outcome.error });
        return;
      }
      patch({ pane: { ...pane, name: outcome.data.summary.name }, detail: { status: "ready", data: outcome.data } });
      await Promise.all([refreshList(), refreshHistory(outcome.data.summary.name)]);
    },

    dropTable: async () => {
      const name = openName();
      if (name === null) return;
      const outcome = await api.dropTable(name);
      if (outcome.status === "error") {
        set({ notice: outcome.error });
        return;
      }
      enter({ kind: "none" });
      await refreshList();
    },

    exportTable: async (format) => {
      const name = openName();
      if (name === null || tables().exported.status === "busy") return;
      const ticket = paneTicket;
      patch({ exported: { status: "busy" } });
      const picked = await dialogs.pickTableExportPath(name, format);
      if (ticket !== paneTicket) return;
      if (picked.status === "error" || picked.data === null) {
        patch({ exported: picked.status === "error" ? { status: "failed", error: picked.error } : { status: "idle" } });
        return;
      }
      const path = picked.data;
      const outcome = await api.exportTableFile(name, format, path);
      if (ticket !== paneTicket) return;
      patch({
        exported: outcome.status === "ok" ? { status: "done", path, rows: outcome.data } : { status: "failed", error: outcome.error },
      });
    },

    dismissTableExport: () => {
      patch({ exported: { status: "idle" } });
    },

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
      const ticket = paneTicket;
      patch({ rowForm: { ...form, saving: true } });
      const outcome: Outcome<unknown> =
        typeof id === "number" ? await api.updateTableRow(name, id, values.values) : await api.insertTableRow(name, values.values);
      if (ticket !== paneTicket) return;
      if (outcome.status === "error") {
        patch({ rowForm: { ...form, saving: false, error: outcome.error } });
        return;
      }
      patch({ rowForm: null });
      await Promise.all([loadRows(), refreshList()]);
    },

    startTableImport: () => {
      enter({ kind: "import" }, { wizard: initialTables.wizard });
    },

    setImportPath: (path) => {
      const { wizard } = tables();
      const choices = withPath(wizard.choices, path);
      if (choices !== wizard.choices) patchWizard({ choices, inference: { status: "idle" } });
    },

    editImport: (change) => {
      patchWizard({ choices: { ...tables().wizard.choices, ...change } });
    },

    browseImportFile: async () => {
      const picked = await dialogs.pickTableFile();
      if (picked.status === "error") {
        set({ notice: picked.error });
        return;
      }
      if (picked.data === null) return;
      actions.setImportPath(picked.data);
      await actions.inferImportColumns();
    },

    inferImportColumns: async () => {
      const { choices, inference } = tables().wizard;
      const path = choices.path.trim();
      if (path === "" || choices.columns !== null || inference.status === "reading") return;
      const ticket = paneTicket;
      patchWizard({ inference: { status: "reading" } });
      const outcome = await api.inferTableSchema(path);
      // The file may have changed while this one was read.
      if (ticket !== paneTicket || tables().wizard.choices.path.trim() !== path) return;
      if (outcome.status === "error") {
        patchWizard({ inference: { status: "failed", error: outcome.error } });
        return;
      }
      patchWizard({ inference: { status: "idle" }, choices: { ...tables().wizard.choices, columns: columnDrafts(outcome.data) } });
    },

    runTableImport: async () => {
      const { run, choices } = tables().wizard;
      if (run.status === "importing") return;
      const request = importRequest(choices);
      if (!request.ok) {
        patchWizard({ run: { status: "invalid", problems: request.problems } });
        return;
      }
      await runImport(request.request);
    },

    retryTableImport: async () => {
      const { run } = tables().wizard;
      if (run.status === "failed") await runImport(run.request);
    },
  };
  return actions;
}
