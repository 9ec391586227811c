// The test run's sample values: inputs start from the defaults, read as each parameter's type;
// a blank one is left for Rust to fill with the default.
import { describe, expect, it } from "vitest";
import type { ParamDraft } from "./templateDraft";
import { sampleInput, sampleText, sampleValues } from "./templateSamples";

function param(name: string, patch: Partial<ParamDraft> = {}): ParamDraft {
  return { key: name, name, type: "string", list: false, required: true, defaultText: "", description: "", allowedText: "", ...patch };
}

const startDate = param("start_date", { type: "date" });
const channels = param("channels", { list: true, defaultText: "search, social" });
const limit = param("limit", { type: "integer", defaultText: "20" });
const active = param("active", { type: "boolean" });

describe("sample inputs", () => {
  it("are typed like the run dialog's", () => {
    expect([startDate, channels, limit, active].map(sampleInput)).toEqual(["date", "text", "number", "boolean"]);
  });

  it("start from the parameter's default until something is typed", () => {
    expect(sampleText(limit, {})).toBe("20");
    expect(sampleText(limit, { limit: "5" })).toBe("5");
    expect(sampleText(startDate, {})).toBe("");
  });
});

describe("the values a test run is sent", () => {
  it("reads each input as its type, lists comma-separated, and leaves blanks out", () => {
    expect(sampleValues([startDate, channels, limit, active], { start_date: "2026-06-01", limit: "5", active: "true" })).toEqual({
      ok: true,
      values: { start_date: "2026-06-01", channels: ["search", "social"], limit: 5, active: true },
    });
    expect(sampleValues([startDate, limit], { limit: "" })).toEqual({ ok: true, values: {} });
  });

  it("names every input that does not read", () => {
    expect(sampleValues([startDate, limit], { start_date: "June", limit: "lots" })).toEqual({
      ok: false,
      problems: ['start_date: expected a date (YYYY-MM-DD), got "June"', 'limit: expected a whole number, got "lots"'],
    });
  });
});
