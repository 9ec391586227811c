// How a result's cells read in the results drawer, what a copy of them gives, and the pager.
import { describe, expect, it } from "vitest";
import { cellDisplay, cellText, copiedText, groupDigits, isNumericColumn, neighbours, pageLabel } from "./results";

describe("cellDisplay", () => {
  it("shows a decimal's exact digits, grouped by thousands", () => {
    expect(cellDisplay("45894.67", "Decimal128(22, 2)")).toBe("45,894.67");
    expect(cellDisplay("45894.60", "Decimal128(22, 2)")).toBe("45,894.60");
    expect(cellDisplay("-1234567.05", "Decimal128(12, 2)")).toBe("-1,234,567.05");
    expect(cellDisplay("12345678901234567.89", "Decimal128(38, 2)")).toBe("12,345,678,901,234,567.89");
    expect(cellDisplay("0.30", "Decimal128(12, 2)")).toBe("0.30");
    expect(cellDisplay("999", "Decimal128(12, 0)")).toBe("999");
  });

  it("drops a float's noise and groups it", () => {
    expect(cellDisplay(45894.670000000006, "Float64")).toBe("45,894.67");
    expect(cellDisplay(0.1 + 0.2, "Float64")).toBe("0.3");
    expect(cellDisplay(0.012345, "Float64")).toBe("0.012345");
    expect(cellDisplay(-2.5, "Float32")).toBe("-2.5");
    expect(cellDisplay(1e6, "Float64")).toBe("1,000,000");
  });

  it("groups integers", () => {
    expect(cellDisplay(1234567, "Int64")).toBe("1,234,567");
    expect(cellDisplay(-42, "Int32")).toBe("-42");
    expect(cellDisplay(0, "UInt64")).toBe("0");
  });

  it("leaves everything else as it is", () => {
    expect(cellDisplay("2026-06-01", "Date32")).toBe("2026-06-01");
    expect(cellDisplay("1234", "Utf8")).toBe("1234");
    expect(cellDisplay(1234, "Utf8")).toBe("1234");
    expect(cellDisplay(null, "Decimal128(12, 2)")).toBe("");
    expect(cellDisplay(undefined, "Int64")).toBe("");
    expect(cellDisplay("n/a", "Decimal128(12, 2)")).toBe("n/a");
    expect(cellDisplay(true, "Boolean")).toBe("true");
  });

  it("copies exact digits, never the grouped text", () => {
    expect(cellText("45894.67")).toBe("45894.67");
    expect(cellText(45894.670000000006)).toBe("45894.670000000006");
    expect(cellText(1234567)).toBe("1234567");
  });
});

describe("groupDigits", () => {
  it("groups the whole part only", () => {
    expect(groupDigits("1234.5678")).toBe("1,234.5678");
    expect(groupDigits("+1000")).toBe("+1,000");
    expect(groupDigits("100")).toBe("100");
    expect(groupDigits("1e5")).toBeNull();
    expect(groupDigits("")).toBeNull();
  });
});

describe("isNumericColumn", () => {
  it("knows Arrow's number types", () => {
    for (const t of ["Int64", "UInt8", "Float64", "Decimal128(12, 2)", "Decimal256(40, 2)"]) expect(isNumericColumn(t)).toBe(true);
    for (const t of ["Utf8", "Date32", "Timestamp(Millisecond, Some(\"UTC\"))", "Boolean"]) expect(isNumericColumn(t)).toBe(false);
  });
});

describe("copiedText", () => {
  it("writes rows as lines and cells as tab-separated, in table order", () => {
    const text = copiedText([
      { row: 1, column: 1, text: "45894.67" },
      { row: 0, column: 1, text: "0.30" },
      { row: 0, column: 0, text: "C001" },
      { row: -1, column: 0, text: "campaign_id" },
      { row: -1, column: 1, text: "spend" },
      { row: 1, column: 0, text: "C002" },
    ]);
    expect(text).toBe("campaign_id\tspend\nC001\t0.30\nC002\t45894.67");
    expect(copiedText([])).toBe("");
  });
});

describe("pager", () => {
  it("labels and steps through pages", () => {
    const page = { offset: 500, rows: new Array<unknown>(500), total_rows: 1234 };
    expect(pageLabel(page)).toBe("Rows 501–1,000 of 1,234");
    expect(neighbours(page)).toEqual({ previous: 0, next: 1000 });
    expect(pageLabel({ offset: 0, rows: [], total_rows: 0 })).toBe("No rows");
  });
});
