// Typed values from what the user types: what Rust receives for each column type.
import { describe, expect, it } from "vitest";
import { parseList, parseValue, valueText } from "./tableValues";

describe("parseValue", () => {
  it("reads numbers as JSON numbers, whole ones only for integers and references", () => {
    expect(parseValue("integer", " 42 ")).toEqual({ ok: true, value: 42 });
    expect(parseValue("integer", "-7")).toEqual({ ok: true, value: -7 });
    expect(parseValue("reference", "3")).toEqual({ ok: true, value: 3 });
    expect(parseValue("decimal", "12.50")).toEqual({ ok: true, value: 12.5 });
    expect(parseValue("decimal", "1e3")).toEqual({ ok: true, value: 1000 });
    expect(parseValue("integer", "4.5")).toEqual({ ok: false, message: 'expected a whole number, got "4.5"' });
    expect(parseValue("decimal", "12,5")).toEqual({ ok: false, message: 'expected a number, got "12,5"' });
    expect(parseValue("integer", "99999999999999999999").ok).toBe(false);
  });

  it("reads booleans, dates and JSON", () => {
    expect(parseValue("boolean", "TRUE")).toEqual({ ok: true, value: true });
    expect(parseValue("boolean", "false")).toEqual({ ok: true, value: false });
    expect(parseValue("boolean", "yes").ok).toBe(false);
    expect(parseValue("date", "2026-06-01")).toEqual({ ok: true, value: "2026-06-01" });
    expect(parseValue("date", "01/06/2026")).toEqual({ ok: false, message: 'expected a date (YYYY-MM-DD), got "01/06/2026"' });
    expect(parseValue("datetime", "2026-06-01T09:30:00+02:00")).toEqual({ ok: true, value: "2026-06-01T09:30:00+02:00" });
    expect(parseValue("json", '{"tags": ["a"]}')).toEqual({ ok: true, value: { tags: ["a"] } });
    expect(parseValue("json", "{oops").ok).toBe(false);
  });

  it("keeps text as typed, and reads empty input as no value", () => {
    expect(parseValue("string", "  spaced ")).toEqual({ ok: true, value: "  spaced " });
    expect(parseValue("string", "")).toEqual({ ok: true, value: null });
    expect(parseValue("integer", "   ")).toEqual({ ok: true, value: null });
    expect(parseValue("json", "")).toEqual({ ok: true, value: null });
  });
});

describe("parseList", () => {
  it("reads comma-separated values as the column's type, skipping blanks", () => {
    expect(parseList("integer", "1, 2,,3")).toEqual({ ok: true, value: [1, 2, 3] });
    expect(parseList("string", "new, paid")).toEqual({ ok: true, value: ["new", "paid"] });
    expect(parseList("integer", "1, two")).toEqual({ ok: false, message: 'expected a whole number, got "two"' });
  });
});

describe("valueText", () => {
  it("shows a stored value as the text that reads back to it", () => {
    expect(valueText("integer", 42)).toBe("42");
    expect(valueText("string", "Ana")).toBe("Ana");
    expect(valueText("boolean", true)).toBe("true");
    expect(valueText("string", null)).toBe("");
    expect(valueText("json", "quoted")).toBe('"quoted"');
    expect(parseValue("json", valueText("json", { a: [1] }))).toEqual({ ok: true, value: { a: [1] } });
  });
});
