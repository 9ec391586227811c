// The import wizard: a table name from the file, the request the choices make, and the report.
import { describe, expect, it } from "vitest";
import type { AppError } from "../api";
import { columnDrafts, updateColumn } from "./tableSchema";
import {
  describeFileImport,
  importProblems,
  importRequest,
  newTableName,
  noImportChoices,
  tableNameFromPath,
  withPath,
  type ImportChoices,
} from "./tableImport";

describe("tableNameFromPath", () => {
  it("makes the file's stem a snake_case table name", () => {
    expect(tableNameFromPath("/home/ana/Downloads/Q3 Orders.v2.csv")).toBe("q3_orders_v2");
    expect(tableNameFromPath("C:\\data\\Customer-List.parquet")).toBe("customer_list");
    expect(tableNameFromPath("/tmp/2026 sales.jsonl")).toBe("t_2026_sales");
    expect(tableNameFromPath("/tmp/.csv")).toBe("csv");
    expect(tableNameFromPath("")).toBe("");
  });
});

const file: ImportChoices = { ...noImportChoices, path: "/data/orders.csv" };

describe("the wizard's choices", () => {
  it("name the new table after the file until the user names it", () => {
    expect(newTableName(file)).toBe("orders");
    expect(newTableName(withPath(file, "/data/refunds.csv"))).toBe("refunds");
    expect(newTableName({ ...file, newName: "orders_2026" })).toBe("orders_2026");
  });

  it("drop columns read from another file when the file changes", () => {
    const read = { ...file, columns: columnDrafts({ version: 1, columns: [{ name: "sku", data_type: "string" }] }) };
    expect(withPath(read, "/data/orders.csv")).toBe(read);
    expect(withPath(read, "/data/other.csv").columns).toBeNull();
  });
});

describe("importRequest", () => {
  it("lets the backend infer the columns when they were not read and adjusted", () => {
    expect(importRequest({ ...file, skipInvalid: true })).toEqual({
      ok: true,
      request: { path: "/data/orders.csv", table: "orders", schema: null, skipInvalid: true },
    });
  });

  it("sends the adjusted columns with their types", () => {
    const drafts = columnDrafts({
      version: 1,
      columns: [
        { name: "sku", data_type: "string" },
        { name: "price", data_type: "string" },
      ],
    });
    const request = importRequest({ ...file, columns: updateColumn(drafts, "c2", { type: "decimal" }) });
    expect(request.ok && request.request.schema?.columns.map((c) => [c.name, c.data_type])).toEqual([
      ["sku", "string"],
      ["price", "decimal"],
    ]);
  });

  it("imports into an existing table as it is", () => {
    expect(importRequest({ ...file, target: "existing", existingName: "sales" })).toEqual({
      ok: true,
      request: { path: "/data/orders.csv", table: "sales", schema: null, skipInvalid: false },
    });
  });

  it("says what is missing", () => {
    expect(importRequest(noImportChoices)).toEqual({ ok: false, problems: [{ column: null, message: "Choose a file to import." }] });
    expect(importRequest({ ...file, target: "existing" })).toEqual({
      ok: false,
      problems: [{ column: null, message: "Choose the table to import into." }],
    });
    expect(importRequest({ ...file, newName: " " })).toEqual({ ok: false, problems: [{ column: null, message: "Name the new table." }] });
  });
});

describe("the import's report", () => {
  it("lists a refused import's problems by line, then column", () => {
    const error: AppError = {
      code: "invalid_rows",
      message: "3 rows refused",
      details: {
        kind: "rows",
        problems: [
        { row: 7, column: "amount", message: "expected a number" },
        { row: 3, column: "sku", message: "is required" },
        { row: 3, column: "amount", message: "below min 0" },
      ],
      },
    };
    expect(importProblems(error).map((p) => `${p.row} ${p.column}`)).toEqual(["3 amount", "3 sku", "7 amount"]);
  });

  it("says how many rows were imported, and where the skipped ones went", () => {
    expect(describeFileImport({ table: "orders", created: true, imported: 41, skipped: 0, report: null })).toEqual([
      "Imported 41 rows into orders, a new table.",
    ]);
    expect(describeFileImport({ table: "orders", created: false, imported: 1, skipped: 2, report: "/data/orders.rejected.jsonl" })).toEqual([
      "Imported 1 row into orders.",
      "Skipped 2 invalid rows, listed with their problems in /data/orders.rejected.jsonl.",
    ]);
  });
});
