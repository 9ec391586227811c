// Two schema versions side by side: which columns were added, removed or modified, where each
// sits, which of a modified column's fields changed; and each recorded change in words.
import { describe, expect, it } from "vitest";
import type { Column, TableSchema } from "../api";
import { columnFacts, describeChange, diffSchemas } from "./schemaDiff";

const customer: Column = { name: "customer", data_type: "string", required: true };
const amount: Column = { name: "amount", data_type: "decimal", validation: { min: 0 } };
const note: Column = { name: "note", data_type: "text" };
const status: Column = { name: "status", data_type: "string" };

const v1: TableSchema = { version: 1, columns: [customer, amount, note, status] };
const v2: TableSchema = {
  version: 2,
  columns: [
    customer,
    { ...amount, required: true, validation: { min: 0, max: 1000 } },
    status,
    { name: "placed_on", data_type: "date" },
  ],
};

describe("diffSchemas", () => {
  it("aligns columns by name and marks each as added, removed, modified or the same", () => {
    expect(diffSchemas(v1, v2).map((r) => [r.name, r.status])).toEqual([
      ["customer", "same"],
      ["amount", "modified"],
      ["note", "removed"],
      ["status", "same"],
      ["placed_on", "added"],
    ]);
  });

  it("marks the fields of a modified column that changed, on both sides", () => {
    const row = diffSchemas(v1, v2).find((r) => r.name === "amount");
    const changed = row?.lines.filter((l) => l.changed).map((l) => [l.label, l.before, l.after]);
    expect(changed).toEqual([
      ["required", "no", "yes"],
      ["max", "—", "1000"],
    ]);
    expect(row?.lines.find((l) => l.label === "min")).toEqual({ label: "min", before: "0", after: "0", changed: false });
  });

  it("leaves the missing side empty for added and removed columns", () => {
    const rows = diffSchemas(v1, v2);
    const added = rows.find((r) => r.status === "added");
    const removed = rows.find((r) => r.status === "removed");
    expect(added?.lines.every((l) => l.before === null && l.after !== null && !l.changed)).toBe(true);
    expect(removed?.lines.every((l) => l.after === null && l.before !== null)).toBe(true);
  });

  it("shows every column as added in the first version", () => {
    expect(diffSchemas(null, v1).map((r) => r.status)).toEqual(["added", "added", "added", "added"]);
  });

  it("keeps removed columns at the top when the first ones went", () => {
    const next: TableSchema = { version: 2, columns: [note] };
    expect(diffSchemas(v1, next).map((r) => [r.name, r.status])).toEqual([
      ["customer", "removed"],
      ["amount", "removed"],
      ["note", "same"],
      ["status", "removed"],
    ]);
  });
});

describe("columnFacts", () => {
  it("lists type and flags always, the rest only when set, values as JSON", () => {
    const facts = columnFacts({ name: "code", data_type: "string", default_value: "A1", validation: { pattern: "[A-Z][0-9]" } });
    expect([...facts]).toEqual([
      ["type", "string"],
      ["required", "no"],
      ["unique", "no"],
      ["indexed", "no"],
      ["default", '"A1"'],
      ["pattern", "[A-Z][0-9]"],
    ]);
  });
});

describe("describeChange", () => {
  it("says what changed in a few words", () => {
    expect(describeChange({ type: "add_column", after: { name: "placed_on", data_type: "date" } })).toBe("Added placed_on (date)");
    expect(describeChange({ type: "remove_column", before: note })).toBe("Removed note");
    expect(describeChange({ type: "modify_column", before: amount, after: { ...amount, data_type: "integer", unique: true } })).toBe(
      "Changed amount: type, unique",
    );
    expect(describeChange({ type: "rename_table", before: "orders", after: "sales" })).toBe("Renamed the table orders → sales");
  });
});
