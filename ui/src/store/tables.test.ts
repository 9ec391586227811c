// The Tables screen's actions (store/tables*.ts) against the in-memory backend: the list and the
// open table, sorting and filtering rows, schema changes and their refusals, the row form,
// deleting rows, the import wizard (refused, then tried again) and exports.
import { describe, expect, it } from "vitest";
import type { AppError, RowsQuery } from "../api";
import { cellText } from "../lib/results";
import { columnDrafts, setRule, updateColumn } from "../lib/tableSchema";
import { createAppStore, type Api } from "./index";
import { fakeApi, fakeDialogs, ok } from "../testing/fakeBackend";
import { ordersSchema } from "../testing/fakeTables";
import { rowProblemsOf, schemaProblemsOf } from "../lib/errors";

/** A store on the fake backend; `wrap` may replace commands, calling the fake's own (`api`) inside. */
function tablesStore(wrap: (api: Api) => Partial<Api> = () => ({}), dialogAnswer = ok<string | null>("/home/ana/orders.csv")) {
  const backend = fakeApi();
  const dialogs = fakeDialogs(dialogAnswer);
  const store = createAppStore({ ...backend.api, ...wrap(backend.api) }, dialogs.dialogs);
  return { store, backend, asked: dialogs.asked, actions: store.getState().actions, tables: () => store.getState().tables };
}

function shownRows(tables: ReturnType<typeof tablesStore>["tables"]): string[] {
  const { page } = tables().rows;
  return page.status === "ready" ? page.data.rows.map((r) => cellText(r.customer)) : [];
}

describe("opening the Tables screen", () => {
  it("switches the route and lists the tables", async () => {
    const { store, actions, tables } = tablesStore();
    await actions.openTables();
    expect(store.getState().route).toEqual({ screen: "tables" });
    const { list } = tables();
    expect(list.status === "ready" && list.data.map((t) => [t.name, t.rows])).toEqual([["orders", 3]]);
    await actions.goHome();
    expect(store.getState().route).toEqual({ screen: "home" });
  });

  it("opens a table with its schema, first page of rows and history", async () => {
    const { actions, tables } = tablesStore();
    await actions.openTables();
    await actions.showTable("orders");
    expect(tables().pane).toEqual({ kind: "table", name: "orders", tab: "rows" });
    const { detail, history } = tables();
    expect(detail.status === "ready" && detail.data.schema.columns.map((c) => c.name)).toEqual(["customer", "amount", "status"]);
    expect(history.status === "ready" && history.data.map((v) => v.version)).toEqual([1]);
    expect(shownRows(tables)).toEqual(["Ana", "Ben", "Cy"]);
  });

  it("drops the rows of a table the user already left", async () => {
    let answerOrders: () => void = () => undefined;
    const { actions, tables } = tablesStore((api) => ({
      tableRows: async (name, query) => {
        if (name === "orders") await new Promise<void>((resolve) => (answerOrders = resolve));
        return api.tableRows(name, query);
      },
    }));
    await actions.createTable({ name: "refunds", displayName: "", columns: columnDrafts({ version: 1, columns: [{ name: "customer", data_type: "string" }] }) });
    const slow = actions.showTable("orders");
    await actions.showTable("refunds");
    answerOrders();
    await slow;
    expect(tables().pane).toMatchObject({ name: "refunds" });
    const { page } = tables().rows;
    expect(page.status === "ready" && page.data.total_rows).toBe(0);
  });
});

describe("browsing rows", () => {
  it("sorts by a header, ascending then descending, and filters with typed values", async () => {
    const queries: RowsQuery[] = [];
    const { actions, tables } = tablesStore((api) => ({
      tableRows: (name, query) => {
        queries.push(query);
        return api.tableRows(name, query);
      },
    }));
    await actions.showTable("orders");
    await actions.sortRows("amount");
    await actions.sortRows("amount");
    expect(shownRows(tables)).toEqual(["Ana", "Ben", "Cy"]);
    expect(queries.at(-1)?.sort).toEqual({ column: "amount", descending: true });
    await actions.setRowFilters([{ column: "status", op: "eq", value: "new" }]);
    expect(shownRows(tables)).toEqual(["Ben", "Cy"]);
    const { page } = tables().rows;
    expect(page.status === "ready" && page.data.total_rows).toBe(2);
    expect(queries.at(-1)).toEqual({
      offset: 0,
      limit: 200,
      sort: { column: "amount", descending: true },
      filters: [{ column: "status", op: "eq", value: "new" }],
    });
  });

  it("deletes the ticked rows and counts again", async () => {
    const { actions, tables } = tablesStore();
    await actions.openTables();
    await actions.showTable("orders");
    actions.selectRows([1, 3]);
    await actions.deleteSelectedRows();
    expect(shownRows(tables)).toEqual(["Ben"]);
    expect(tables().rows.selected).toEqual([]);
    const { list, detail } = tables();
    expect(list.status === "ready" && list.data[0]?.rows).toBe(1);
    expect(detail.status === "ready" && detail.data.summary.rows).toBe(1);
  });
});

describe("the row form", () => {
  it("adds a row with typed values, leaving empty fields to their defaults", async () => {
    const inserted: unknown[] = [];
    const { actions, tables } = tablesStore((api) => ({
      insertTableRow: (name, values) => {
        inserted.push(values);
        return api.insertTableRow(name, values);
      },
    }));
    await actions.showTable("orders");
    actions.openRowForm(null);
    await actions.saveRow({ customer: "Dee", amount: "7.25", status: "" });
    expect(inserted).toEqual([{ customer: "Dee", amount: 7.25 }]);
    expect(tables().rowForm).toBeNull();
    expect(shownRows(tables)).toEqual(["Ana", "Ben", "Cy", "Dee"]);
  });

  it("keeps the form open with the problems by column, whether typed wrong or refused", async () => {
    const { actions, tables } = tablesStore();
    await actions.showTable("orders");
    actions.openRowForm(null);
    await actions.saveRow({ customer: "Dee", amount: "seven" });
    expect(rowProblemsOf(tables().rowForm?.error ?? { code: "internal", message: "no error" })).toEqual([{ row: 1, column: "amount", message: 'expected a number, got "seven"' }]);
    await actions.saveRow({ customer: "", amount: "7" });
    expect(rowProblemsOf(tables().rowForm?.error ?? { code: "internal", message: "no error" })).toEqual([{ row: 1, column: "customer", message: "is required" }]);
    expect(shownRows(tables)).toEqual(["Ana", "Ben", "Cy"]);
  });

  it("edits a row, clearing what was emptied", async () => {
    const updates: unknown[] = [];
    const { actions, tables } = tablesStore((api) => ({
      updateTableRow: (name, id, values) => {
        updates.push([id, values]);
        return api.updateTableRow(name, id, values);
      },
    }));
    await actions.showTable("orders");
    const { page } = tables().rows;
    actions.openRowForm(page.status === "ready" ? (page.data.rows[0] ?? null) : null);
    await actions.saveRow({ customer: "Ana B.", amount: "", status: "paid" });
    expect(updates).toEqual([[1, { customer: "Ana B.", amount: null, status: "paid" }]]);
    expect(shownRows(tables)[0]).toBe("Ana B.");
  });
});

describe("defining tables", () => {
  it("creates a table from the editor and opens it on its rows", async () => {
    const { actions, tables } = tablesStore();
    await actions.openTables();
    actions.startNewTable();
    let columns = columnDrafts({ version: 1, columns: [{ name: "sku", data_type: "string" }, { name: "qty", data_type: "integer" }] });
    columns = setRule(columns, "c2", "min", "1");
    await actions.createTable({ name: "stock", displayName: "Stock", columns });
    expect(tables().pane).toEqual({ kind: "table", name: "stock", tab: "rows" });
    const { detail, list } = tables();
    expect(detail.status === "ready" && detail.data.schema.columns[1]?.validation).toEqual({ min: 1 });
    expect(list.status === "ready" && list.data.map((t) => t.name)).toEqual(["orders", "stock"]);
  });

  it("refuses values that do not read as their type before asking the backend", async () => {
    let created = 0;
    const { actions, tables } = tablesStore(() => ({
      createTable: () => {
        created++;
        return Promise.resolve(ok(null as never));
      },
    }));
    actions.startNewTable();
    const columns = setRule(columnDrafts({ version: 1, columns: [{ name: "qty", data_type: "integer" }] }), "c1", "max", "lots");
    await actions.createTable({ name: "stock", displayName: "", columns });
    expect(created).toBe(0);
    const save = tables().schemaSave;
    expect(save.status === "failed" && schemaProblemsOf(save.error)).toEqual([{ column: "qty", message: 'max: expected a whole number, got "lots"' }]);
  });

  it("keeps the rows a schema change would break, and changes nothing", async () => {
    const broken: AppError = {
      code: "invalid_rows",
      message: "1 row breaks the new schema",
      details: { kind: "rows", problems: [{ row: 3, column: "amount", message: "is required" }] },
    };
    const { actions, tables } = tablesStore(() => ({ alterTable: () => Promise.resolve({ status: "error", error: broken }) }));
    await actions.showTable("orders", "schema");
    const columns = updateColumn(columnDrafts(ordersSchema), "c2", { required: true });
    await actions.alterTable(columns);
    expect(tables().schemaSave).toEqual({ status: "failed", error: broken });
    const { detail } = tables();
    expect(detail.status === "ready" && detail.data.summary.version).toBe(1);
  });

  it("saves a change as a new version and shows it in the history", async () => {
    const { actions, tables } = tablesStore();
    await actions.showTable("orders", "schema");
    await actions.alterTable(updateColumn(columnDrafts(ordersSchema), "c2", { required: true }));
    expect(tables().schemaSave).toEqual({ status: "idle" });
    const { history, detail } = tables();
    expect(detail.status === "ready" && detail.data.summary.version).toBe(2);
    expect(history.status === "ready" && history.data.map((v) => v.version)).toEqual([2, 1]);
  });

  it("renames and drops the open table", async () => {
    const { store, actions, tables } = tablesStore();
    await actions.openTables();
    await actions.showTable("orders");
    await actions.renameTable("sales");
    expect(tables().pane).toMatchObject({ kind: "table", name: "sales" });
    await actions.dropTable();
    expect(tables().pane).toEqual({ kind: "none" });
    const { list } = tables();
    expect(list.status === "ready" && list.data).toEqual([]);
    expect(store.getState().notice).toBeNull();
  });
});

describe("the import wizard", () => {
  it("names the table after the file, reads its columns and imports with the adjusted types", async () => {
    const { actions, tables, backend, asked } = tablesStore();
    await actions.openTables();
    actions.startTableImport();
    await actions.browseImportFile();
    expect(asked).toEqual(["open table file"]);
    const { choices } = tables().wizard;
    expect(choices.path).toBe("/home/ana/orders.csv");
    expect(choices.columns?.map((c) => [c.name, c.type])).toEqual([
      ["sku", "string"],
      ["price", "decimal"],
    ]);
    actions.editImport({ newName: "new_orders", columns: updateColumn(choices.columns ?? [], "c2", { type: "integer" }), skipInvalid: true });
    await actions.runTableImport();
    expect(backend.tableImports).toEqual([
      [
        "/home/ana/orders.csv",
        "new_orders",
        {
          columns: [
            { name: "sku", data_type: "string", required: false, unique: false, indexed: false, validation: {} },
            { name: "price", data_type: "integer", required: false, unique: false, indexed: false, validation: {} },
          ],
        },
        true,
      ],
    ]);
    const { run } = tables().wizard;
    expect(run.status === "done" && run.result).toEqual({ table: "new_orders", created: true, imported: 2, skipped: 0, report: null });
  });

  it("shows every refused line, then tries the same import again", async () => {
    const refused: AppError = {
      code: "invalid_rows",
      message: "2 rows refused",
      details: {
        kind: "rows",
        problems: [
        { row: 4, column: "price", message: "expected a number" },
        { row: 2, column: "sku", message: "is required" },
      ],
      },
    };
    const answers = [{ status: "error" as const, error: refused }, ok({ table: "orders", created: false, imported: 5, skipped: 0, report: null })];
    const asked: unknown[] = [];
    const { actions, tables } = tablesStore(() => ({
      importTableFile: (...args) => {
        asked.push(args);
        return Promise.resolve(answers.shift() ?? ok({ table: "", created: false, imported: 0, skipped: 0, report: null }));
      },
    }));
    actions.startTableImport();
    actions.setImportPath("/data/orders.csv");
    actions.editImport({ target: "existing", existingName: "orders" });
    await actions.runTableImport();
    const { run } = tables().wizard;
    expect(run.status === "failed" && run.error).toEqual(refused);
    await actions.retryTableImport();
    expect(asked).toEqual([
      ["/data/orders.csv", "orders", null, false],
      ["/data/orders.csv", "orders", null, false],
    ]);
    expect(tables().wizard.run.status).toBe("done");
  });

  it("says what is missing instead of importing", async () => {
    const { actions, tables, backend } = tablesStore();
    actions.startTableImport();
    await actions.runTableImport();
    expect(tables().wizard.run).toEqual({ status: "invalid", problems: [{ column: null, message: "Choose a file to import." }] });
    expect(backend.tableImports).toEqual([]);
  });
});

describe("exporting a table", () => {
  it("asks where, then writes every row there", async () => {
    const { actions, tables, backend, asked } = tablesStore(undefined, ok("/home/ana/orders.parquet"));
    await actions.showTable("orders");
    await actions.exportTable("parquet");
    expect(asked).toEqual(["save orders.parquet"]);
    expect(backend.tableExports).toEqual([["orders", "parquet", "/home/ana/orders.parquet"]]);
    expect(tables().exported).toEqual({ status: "done", path: "/home/ana/orders.parquet", rows: 3 });
  });

  it("does nothing when the dialog is cancelled", async () => {
    const { actions, tables, backend } = tablesStore(undefined, ok(null));
    await actions.showTable("orders");
    await actions.exportTable("csv");
    expect(backend.tableExports).toEqual([]);
    expect(tables().exported).toEqual({ status: "idle" });
  });
});
