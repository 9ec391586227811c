// The row browser's order and filters, and the row form's values as sent to Rust.
import { describe, expect, it } from "vitest";
import type { Column } from "../api";
import { describeFilter, editableColumns, filterFromDraft, inputKind, nextSort, problemsByColumn, rowCount, rowTexts, rowValues } from "./tableRows";

const columns: Column[] = [
  { name: "customer", data_type: "string", required: true },
  { name: "amount", data_type: "decimal" },
  { name: "paid", data_type: "boolean" },
  { name: "status", data_type: "string", validation: { enum: ["new", "paid"] } },
];

describe("nextSort", () => {
  it("sorts ascending, then descending, then not at all; another column starts over", () => {
    const asc = nextSort(null, "amount");
    expect(asc).toEqual({ column: "amount", descending: false });
    const desc = nextSort(asc, "amount");
    expect(desc).toEqual({ column: "amount", descending: true });
    expect(nextSort(desc, "amount")).toBeNull();
    expect(nextSort(desc, "customer")).toEqual({ column: "customer", descending: false });
  });
});

describe("filterFromDraft", () => {
  it("reads the value as the column's type", () => {
    expect(filterFromDraft(columns, { column: "amount", op: "ge", text: "10" })).toEqual({
      ok: true,
      filter: { column: "amount", op: "ge", value: 10 },
    });
    expect(filterFromDraft(columns, { column: "_id", op: "lt", text: "5" })).toEqual({ ok: true, filter: { column: "_id", op: "lt", value: 5 } });
  });

  it("takes text for contains and no value for emptiness", () => {
    expect(filterFromDraft(columns, { column: "amount", op: "contains", text: "12" })).toEqual({
      ok: true,
      filter: { column: "amount", op: "contains", value: "12" },
    });
    expect(filterFromDraft(columns, { column: "customer", op: "is_null", text: "ignored" })).toEqual({
      ok: true,
      filter: { column: "customer", op: "is_null" },
    });
  });

  it("says what is wrong with a value", () => {
    expect(filterFromDraft(columns, { column: "amount", op: "eq", text: "ten" })).toEqual({
      ok: false,
      message: 'amount: expected a number, got "ten"',
    });
    expect(filterFromDraft(columns, { column: "amount", op: "eq", text: " " })).toEqual({ ok: false, message: "Type a value to compare with." });
  });

  it("reads back as a chip", () => {
    expect(describeFilter({ column: "amount", op: "ge", value: 10 })).toBe("amount ≥ 10");
    expect(describeFilter({ column: "customer", op: "contains", value: "an" })).toBe("customer contains “an”");
    expect(describeFilter({ column: "customer", op: "is_not_null" })).toBe("customer is not empty");
  });
});

describe("the row form", () => {
  it("starts from the row's values as text", () => {
    expect(rowTexts(columns, { _id: 4, customer: "Ana", amount: 12.5, paid: false, status: null })).toEqual({
      customer: "Ana",
      amount: "12.5",
      paid: "false",
      status: "",
    });
    expect(rowTexts(columns, null)).toEqual({ customer: "", amount: "", paid: "", status: "" });
  });

  it("leaves empty fields out of a new row, so defaults apply", () => {
    expect(rowValues(columns, { customer: "Ana", amount: "", paid: "true", status: "new" }, true)).toEqual({
      ok: true,
      values: { customer: "Ana", paid: true, status: "new" },
    });
  });

  it("clears a value emptied in an edited row", () => {
    expect(rowValues(columns, { customer: "Ana", amount: "", paid: "", status: "paid" }, false)).toEqual({
      ok: true,
      values: { customer: "Ana", amount: null, paid: null, status: "paid" },
    });
  });

  it("names each value that does not read as its column's type", () => {
    const made = rowValues(columns, { customer: "Ana", amount: "lots", paid: "maybe", status: "" }, true);
    expect(made.ok).toBe(false);
    if (made.ok) return;
    expect(problemsByColumn(made.problems)).toEqual(
      new Map([
        ["amount", ['expected a number, got "lots"']],
        ["paid", ['expected true or false, got "maybe"']],
      ]),
    );
  });

  it("offers allowed values and booleans as choices, long text in a text area, and skips computed columns", () => {
    expect(columns.map(inputKind)).toEqual(["text", "text", "boolean", "choice"]);
    expect(inputKind({ name: "notes", data_type: "json" })).toBe("long-text");
    const computed: Column = { name: "total", data_type: "decimal", validation: { computed: "amount * 2" } };
    expect(editableColumns([...columns, computed]).map((c) => c.name)).toEqual(["customer", "amount", "paid", "status"]);
  });
});

describe("rowCount", () => {
  it("counts rows with thousands separated", () => {
    expect(rowCount(1)).toBe("1 row");
    expect(rowCount(1234)).toBe("1,234 rows");
  });
});
