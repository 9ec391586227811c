// Data tables on the Tables screen: the list, the open table (its schema and history) and
// schema changes; its rows are `tableRows.ts`'s part of this slice and importing and exporting
// files `tableFiles.ts`'s. A refused change keeps every problem for the form that made it,
// whether the backend named them or a value already failed to read as its type (the same
// AppError shape either way); answers for a table the user has left are dropped.
import type { AppError, SchemaProblem, TableDetail, TableSummary, TableVersion } from "../api";
import { schemaFromDrafts, type ColumnDraft } from "../lib/tableSchema";
import { loadable, type Loadable } from "../lib/loadable";
import { ticket, type Dialogs, type StoreAccess, type Ticket } from "./access";
import type { ScreenState } from "./screen";
import { createTableFileActions, initialWizard, type ImportWizard, type TableExport, type TableFileActions } from "./tableFiles";
import { createRowActions, noRows, type RowActions, type RowForm, type RowsView } from "./tableRows";
import { invalidTable } from "../lib/errors";

export type { ImportWizard, RowForm, RowsView, TableExport };

export type TableTab = "rows" | "schema" | "history";

/** What the screen shows beside the list. */
export type TablePane =
  | { readonly kind: "none" }
  | { readonly kind: "new" }
  | { readonly kind: "import" }
  | { readonly kind: "table"; readonly name: string; readonly tab: TableTab };

export type SchemaSave =
  | { readonly status: "idle" }
  | { readonly status: "saving" }
  | { readonly status: "failed"; readonly error: AppError };


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
} & RowActions &
  TableFileActions;

export const initialTables: TablesState = {
  list: { status: "loading" },
  pane: { kind: "none" },
  detail: { status: "loading" },
  rows: noRows,
  history: { status: "loading" },
  schemaSave: { status: "idle" },
  rowForm: null,
  exported: { status: "idle" },
  wizard: initialWizard,
};

/** Values that did not read as their column's type, refused like the backend refuses a table. */
function unreadableValues(problems: SchemaProblem[]): AppError {
  return invalidTable("Some values do not read as their column's type.", problems);
}

type Shared = StoreAccess<{ readonly tables: TablesState } & ScreenState> & {
  readonly dialogs: Dialogs;
};

/** What the parts of the slice share: the tables' state, the open table, and which answers are stale. */
export type TableContext = Shared & {
  readonly tables: () => TablesState;
  readonly patch: (change: Partial<TablesState>) => void;
  /** The open table's name (null: no table is open). */
  readonly openName: () => string | null;
  /** Moves on whenever another pane is shown: late answers for the one left are dropped. */
  readonly paneTicket: Ticket;
  /** Moves on with every rows query, and with the pane. */
  readonly rowsTicket: Ticket;
  /** Lists the tables again; the open table's counts in its header follow the list's. */
  readonly refreshList: () => Promise<void>;
  /** Shows `pane` with `change` applied; answers to anything asked before are dropped. Returns the pane's ticket. */
  readonly enter: (pane: TablePane, change?: Partial<TablesState>) => number;
};

export function createTableActions(shared: Shared): TableActions {
  const { set, get, api } = shared;
  // Changes whenever another pane is shown, and with every rows query: late answers are dropped.
  const paneTicket = ticket();
  const rowsTicket = ticket();

  const tables = () => get().tables;
  const patch = (change: Partial<TablesState>) => {
    set({ tables: { ...get().tables, ...change } });
  };
  const openName = () => {
    const { pane } = tables();
    return pane.kind === "table" ? pane.name : null;
  };

  /** Shows `pane` with `change` applied; answers to anything asked before are dropped. */
  function enter(pane: TablePane, change: Partial<TablesState> = {}): number {
    rowsTicket.next();
    set({
      tables: { ...tables(), pane, schemaSave: { status: "idle" }, rowForm: null, exported: { status: "idle" }, ...change },
      notice: null,
    });
    return paneTicket.next();
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
    const ticket = paneTicket.current();
    const outcome = await api.tableHistory(name);
    if (ticket === paneTicket.current()) patch({ history: loadable(outcome) });
  }
  const context: TableContext = { ...shared, tables, patch, openName, paneTicket, rowsTicket, refreshList, enter };
  const rows = createRowActions(context);
  const { loadRows } = rows;

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
      if (ticket === paneTicket.current()) patch({ detail: loadable(detail), history: loadable(history) });
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
        patch({ schemaSave: { status: "failed", error: unreadableValues(schema.problems) } });
        return;
      }
      const ticket = paneTicket.current();
      patch({ schemaSave: { status: "saving" } });
      const outcome = await api.createTable(form.name.trim(), form.displayName.trim(), schema.schema);
      if (ticket !== paneTicket.current()) return;
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
        patch({ schemaSave: { status: "failed", error: unreadableValues(schema.problems) } });
        return;
      }
      const ticket = paneTicket.current();
      patch({ schemaSave: { status: "saving" } });
      const outcome = await api.alterTable(name, schema.schema);
      if (ticket !== paneTicket.current()) return;
      if (outcome.status === "error") {
        patch({ schemaSave: { status: "failed", error: outcome.error } });
        return;
      }
      patch({ detail: { status: "ready", data: outcome.data }, schemaSave: { status: "idle" } });
      patch({ rows: { ...tables().rows, sort: null, filters: [], offset: 0, selected: [] } });
      await Promise.all([refreshList(), refreshHistory(name), loadRows()]);
    },

    renameTable: async (newName) => {
      const { pane } = tables();
      if (pane.kind !== "table" || newName === pane.name) return;
      const ticket = paneTicket.current();
      const outcome = await api.renameTable(pane.name, newName);
      if (ticket !== paneTicket.current()) return;
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

    ...rows.actions,
    ...createTableFileActions(context),
  };
  return actions;
}
