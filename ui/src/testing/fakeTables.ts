// The data-table part of the fake backend: tables in memory that page, sort, filter and check
// required columns like the real ones, keep a history of schema versions, and record the
// imports and exports they were asked for. Imports answer as the test scripts them.
import type {
  AppError,
  Column,
  FileImport,
  JsonValue,
  Outcome,
  RowFilter,
  RowProblem,
  TableDetail,
  TableSchema,
  TableSchemaInput,
  TableVersion,
} from "../api";
import { cellText } from "../lib/results";
import type { Api } from "../store/access";
import { invalidRows } from "../lib/errors";

const ok = <T,>(data: T): Outcome<T> => ({ status: "ok", data });
const refused = (error: AppError): Outcome<never> => ({ status: "error", error });
const notFound = (name: string) => refused({ code: "not_found", message: `no table ${name}` });

export const ordersSchema: TableSchema = {
  version: 1,
  columns: [
    { name: "customer", data_type: "string", required: true, validation: { max_length: 40 } },
    { name: "amount", data_type: "decimal", validation: { min: 0 } },
    { name: "status", data_type: "string", default_value: "new", validation: { enum: ["new", "paid"] } },
  ],
};

/** The schema `inferTableSchema` reads from any file. */
export const inferredSchema: TableSchema = {
  version: 1,
  columns: [
    { name: "sku", data_type: "string" },
    { name: "price", data_type: "decimal" },
  ],
};

type Stored = { detail: TableDetail; rows: Record<string, JsonValue>[]; history: TableVersion[] };

const STAMP = "2026-06-01T09:00:00Z";

function asSchema(input: TableSchemaInput, version: number): TableSchema {
  return { version, columns: input.columns as Column[] };
}

function compare(a: JsonValue | undefined, b: JsonValue | undefined): number {
  if (a === b) return 0;
  if (a === undefined || a === null) return -1;
  if (b === undefined || b === null) return 1;
  return a < b ? -1 : 1;
}

function holds(row: Record<string, JsonValue>, filter: RowFilter): boolean {
  const cell = row[filter.column];
  switch (filter.op) {
    case "is_null":
      return cell === null || cell === undefined;
    case "is_not_null":
      return cell !== null && cell !== undefined;
    case "contains":
      return cellText(cell).toLowerCase().includes(cellText(filter.value).toLowerCase());
    default: {
      const order = compare(cell, filter.value);
      const ops = { eq: order === 0, ne: order !== 0, lt: order < 0, le: order <= 0, gt: order > 0, ge: order >= 0 };
      return ops[filter.op];
    }
  }
}

/** The table commands of the fake backend, over an `orders` table with three rows. */
export function fakeTableApi() {
  const tables = new Map<string, Stored>();
  const imports: Parameters<Api["importTableFile"]>[] = [];
  const exports: Parameters<Api["exportTableFile"]>[] = [];
  let nextId = 1;

  function create(name: string, displayName: string, schema: TableSchema): TableDetail {
    const detail: TableDetail = {
      summary: { name, display_name: displayName, version: 1, columns: schema.columns.length, rows: 0, created_at: STAMP, updated_at: STAMP },
      schema,
    };
    const changes = schema.columns.map((after) => ({ type: "add_column" as const, after }));
    tables.set(name, { detail, rows: [], history: [{ version: 1, previous_schema: null, new_schema: schema, changes, created_by: "ana", created_at: STAMP }] });
    return detail;
  }

  function withCount(stored: Stored): TableDetail {
    stored.detail = { ...stored.detail, summary: { ...stored.detail.summary, rows: stored.rows.length } };
    return stored.detail;
  }

  function problems(stored: Stored, values: Record<string, JsonValue>): RowProblem[] {
    return stored.detail.schema.columns
      .filter((c) => c.required === true && (values[c.name] === undefined || values[c.name] === null))
      .map((c) => ({ row: 1, column: c.name, message: "is required" }));
  }

  create("orders", "Orders", ordersSchema);
  const orders = tables.get("orders");
  for (const row of [
    { customer: "Ana", amount: 12.5, status: "paid" },
    { customer: "Ben", amount: 3, status: "new" },
    { customer: "Cy", amount: null, status: "new" },
  ]) {
    orders?.rows.push({ _id: nextId++, ...row });
  }

  const api: Pick<
    Api,
    | "listTables"
    | "getTable"
    | "createTable"
    | "alterTable"
    | "renameTable"
    | "dropTable"
    | "tableHistory"
    | "tableRows"
    | "insertTableRow"
    | "updateTableRow"
    | "deleteTableRows"
    | "inferTableSchema"
    | "importTableFile"
    | "exportTableFile"
  > = {
    listTables: () => Promise.resolve(ok([...tables.values()].map((t) => withCount(t).summary))),
    getTable: (name) => {
      const stored = tables.get(name);
      return Promise.resolve(stored ? ok(withCount(stored)) : notFound(name));
    },
    createTable: (name, displayName, schema) => {
      if (tables.has(name)) return Promise.resolve(refused({ code: "conflict", message: `table ${name} exists` }));
      return Promise.resolve(ok(create(name, displayName, asSchema(schema, 1))));
    },
    alterTable: (name, input) => {
      const stored = tables.get(name);
      if (!stored) return Promise.resolve(notFound(name));
      const previous = stored.detail.schema;
      const schema = asSchema(input, previous.version + 1);
      stored.detail = { ...stored.detail, schema, summary: { ...stored.detail.summary, version: schema.version, columns: schema.columns.length } };
      stored.history.unshift({ version: schema.version, previous_schema: previous, new_schema: schema, changes: [], created_by: "ana", created_at: STAMP });
      return Promise.resolve(ok(withCount(stored)));
    },
    renameTable: (name, newName) => {
      const stored = tables.get(name);
      if (!stored) return Promise.resolve(notFound(name));
      tables.delete(name);
      tables.set(newName, stored);
      stored.detail = { ...stored.detail, summary: { ...stored.detail.summary, name: newName } };
      return Promise.resolve(ok(withCount(stored)));
    },
    dropTable: (name) => Promise.resolve(tables.delete(name) ? ok(null) : notFound(name)),
    tableHistory: (name) => {
      const stored = tables.get(name);
      return Promise.resolve(stored ? ok([...stored.history]) : notFound(name));
    },
    tableRows: (name, query) => {
      const stored = tables.get(name);
      if (!stored) return Promise.resolve(notFound(name));
      const sort = query.sort;
      const rows = stored.rows.filter((row) => (query.filters ?? []).every((f) => holds(row, f)));
      if (sort) rows.sort((a, b) => compare(a[sort.column], b[sort.column]) * (sort.descending === true ? -1 : 1));
      const offset = query.offset ?? 0;
      return Promise.resolve(ok({ rows: rows.slice(offset, offset + (query.limit ?? 100)), offset, total_rows: rows.length }));
    },
    insertTableRow: (name, values) => {
      const stored = tables.get(name);
      if (!stored) return Promise.resolve(notFound(name));
      const found = problems(stored, values);
      if (found.length > 0) return Promise.resolve(refused(invalidRows("1 row refused", found)));
      const id = nextId++;
      stored.rows.push({ _id: id, ...values });
      return Promise.resolve(ok(id));
    },
    updateTableRow: (name, id, values) => {
      const stored = tables.get(name);
      const index = stored?.rows.findIndex((r) => r._id === id) ?? -1;
      const current = stored?.rows[index];
      if (!stored || !current) return Promise.resolve(notFound(name));
      const merged = { ...current, ...values };
      const found = problems(stored, merged);
      if (found.length > 0) return Promise.resolve(refused(invalidRows("1 row refused", found)));
      stored.rows[index] = merged;
      return Promise.resolve(ok(null));
    },
    deleteTableRows: (name, ids) => {
      const stored = tables.get(name);
      if (!stored) return Promise.resolve(notFound(name));
      const before = stored.rows.length;
      stored.rows = stored.rows.filter((r) => !ids.includes(r._id as number));
      return Promise.resolve(ok(before - stored.rows.length));
    },
    inferTableSchema: () => Promise.resolve(ok(inferredSchema)),
    importTableFile: (...args) => {
      imports.push(args);
      const [, table, schema] = args;
      const created = !tables.has(table);
      if (created) create(table, "", schema === null ? inferredSchema : asSchema(schema, 1));
      const result: FileImport = { table, created, imported: 2, skipped: 0, report: null };
      return Promise.resolve(ok(result));
    },
    exportTableFile: (...args) => {
      exports.push(args);
      return Promise.resolve(ok(tables.get(args[0])?.rows.length ?? 0));
    },
  };
  return { api, imports, exports };
}
