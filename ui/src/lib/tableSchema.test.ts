// The schema editor's drafts: typed values in the schema sent to Rust, the rules each type
// offers, problems by column, and adding, moving and removing columns.
import { describe, expect, it } from "vitest";
import type { TableSchema } from "../api";
import { RULES, addColumn, columnDrafts, moveColumn, problemsOf, removeColumn, schemaFromDrafts, setRule, updateColumn } from "./tableSchema";

const orders: TableSchema = {
  version: 3,
  columns: [
    { name: "customer", data_type: "string", display_name: "Customer", required: true, validation: { max_length: 40, pattern: "[A-Z].*" } },
    { name: "amount", data_type: "decimal", default_value: 0, validation: { min: 0, max: 10000.5 } },
    { name: "placed_on", data_type: "date", validation: { min: "2020-01-01" } },
    { name: "status", data_type: "string", unique: false, indexed: true, validation: { enum: ["new", "paid"] } },
    { name: "customer_id", data_type: "reference", validation: { target_table: "customers", on_delete: "cascade" } },
  ],
};

function sent(schema: TableSchema) {
  const made = schemaFromDrafts(columnDrafts(schema));
  if (!made.ok) throw new Error(JSON.stringify(made.problems));
  return made.schema;
}

describe("columnDrafts and schemaFromDrafts", () => {
  it("give back the stored schema's columns unchanged", () => {
    const columns = sent(orders).columns;
    expect(columns.map((c) => c.name)).toEqual(["customer", "amount", "placed_on", "status", "customer_id"]);
    expect(columns[0]).toEqual({
      name: "customer",
      data_type: "string",
      display_name: "Customer",
      required: true,
      unique: false,
      indexed: false,
      validation: { max_length: 40, pattern: "[A-Z].*" },
    });
    expect(columns[1]?.default_value).toBe(0);
    expect(columns[1]?.validation).toEqual({ min: 0, max: 10000.5 });
    expect(columns[2]?.validation).toEqual({ min: "2020-01-01" });
    expect(columns[3]?.validation).toEqual({ enum: ["new", "paid"] });
    expect(columns[4]?.validation).toEqual({ target_table: "customers", on_delete: "cascade" });
  });

  it("sends what the user typed as JSON of the column's type", () => {
    let drafts = addColumn([]);
    const key = drafts[0]?.key ?? "";
    drafts = updateColumn(drafts, key, { name: " quantity ", type: "integer", defaultValue: "1" });
    drafts = setRule(drafts, key, "min", "0");
    drafts = setRule(drafts, key, "max", " 500 ");
    drafts = setRule(drafts, key, "enum", "1, 10, 100");
    expect(schemaFromDrafts(drafts)).toEqual({
      ok: true,
      schema: {
        columns: [
          {
            name: "quantity",
            data_type: "integer",
            required: false,
            unique: false,
            indexed: false,
            default_value: 1,
            validation: { min: 0, max: 500, enum: [1, 10, 100] },
          },
        ],
      },
    });
  });

  it("leaves out rules the column's type no longer offers", () => {
    const drafts = columnDrafts(orders);
    const changed = updateColumn(drafts, drafts[0]?.key ?? "", { type: "integer" });
    const made = schemaFromDrafts(changed);
    expect(made.ok && made.schema.columns[0]?.validation).toEqual({});
  });

  it("names every value that does not read as its type, by column", () => {
    let drafts = columnDrafts(orders);
    drafts = setRule(drafts, "c2", "min", "zero");
    drafts = setRule(drafts, "c1", "max_length", "-3");
    drafts = updateColumn(drafts, "c3", { defaultValue: "June 1st" });
    const made = schemaFromDrafts(drafts);
    expect(made.ok).toBe(false);
    if (made.ok) return;
    expect(made.problems).toEqual([
      { column: "customer", message: 'max_length: expected a whole number of characters, got "-3"' },
      { column: "amount", message: 'min: expected a number, got "zero"' },
      { column: "placed_on", message: 'default: expected a date (YYYY-MM-DD), got "June 1st"' },
    ]);
    expect(problemsOf(made.problems, "amount")).toEqual(['min: expected a number, got "zero"']);
  });
});

describe("the rules each type offers", () => {
  it("are lengths, pattern and allowed values for text; bounds for numbers and dates; a target for references", () => {
    expect(RULES.string).toEqual(["min_length", "max_length", "pattern", "enum", "computed"]);
    expect(RULES.integer).toEqual(["min", "max", "enum", "computed"]);
    expect(RULES.datetime).toEqual(["min", "max", "computed"]);
    expect(RULES.reference).toEqual(["target_table", "on_delete", "computed"]);
    expect(RULES.boolean).toEqual(["computed"]);
  });
});

describe("adding, moving and removing columns", () => {
  it("gives each new column a key no other has, even after removals", () => {
    const drafts = removeColumn(columnDrafts(orders), "c2");
    expect(addColumn(drafts).map((c) => c.key)).toEqual(["c1", "c3", "c4", "c5", "c6"]);
  });

  it("moves a column one place, and not past either end", () => {
    const drafts = columnDrafts(orders);
    expect(moveColumn(drafts, "c2", -1).map((c) => c.name)).toEqual(["amount", "customer", "placed_on", "status", "customer_id"]);
    expect(moveColumn(drafts, "c2", 1).map((c) => c.name)).toEqual(["customer", "placed_on", "amount", "status", "customer_id"]);
    expect(moveColumn(drafts, "c1", -1)).toEqual(drafts);
    expect(moveColumn(drafts, "c5", 1)).toEqual(drafts);
  });
});
