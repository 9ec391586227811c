// What the SQL editor marks: placeholders as the engine reads them, and problems as diagnostics
// that stay inside the text.
import { describe, expect, it } from "vitest";
import { PLACEHOLDER, problemLines, sqlDiagnostics } from "./sqlProblems";

describe("placeholders", () => {
  it("are {{names}}, with or without spaces inside the braces", () => {
    const sql = "SELECT * FROM ads WHERE day >= {{start_date}} AND id IN ({{ ids }}) AND note = '{x}' {{1bad}}";
    expect(sql.match(PLACEHOLDER)).toEqual(["{{start_date}}", "{{ ids }}"]);
  });
});

describe("problems as diagnostics", () => {
  it("keeps each problem's span, as an error or a warning", () => {
    const sql = "SELECT {{limt}}";
    expect(sqlDiagnostics([{ from: 7, to: 15, error: true, message: "no limt" }], sql.length)).toEqual([
      { from: 7, to: 15, severity: "error", message: "no limt" },
    ]);
  });

  it("marks a problem without a span of its own on the first character", () => {
    expect(sqlDiagnostics([{ from: 0, to: 0, error: false, message: "unused" }], 8)).toEqual([
      { from: 0, to: 1, severity: "warning", message: "unused" },
    ]);
    expect(sqlDiagnostics([{ from: 0, to: 0, error: false, message: "unused" }], 0)).toEqual([
      { from: 0, to: 0, severity: "warning", message: "unused" },
    ]);
  });

  it("keeps spans found in a longer text inside the text on screen", () => {
    expect(sqlDiagnostics([{ from: 12, to: 30, error: true, message: "unclosed" }], 20)).toEqual([
      { from: 12, to: 20, severity: "error", message: "unclosed" },
    ]);
  });

  it("lists errors before warnings, each in the order of the text", () => {
    const problems = [
      { from: 0, to: 0, error: false, message: "unused" },
      { from: 20, to: 25, error: true, message: "second" },
      { from: 3, to: 8, error: true, message: "first" },
    ];
    expect(problemLines(problems).map((p) => p.message)).toEqual(["first", "second", "unused"]);
  });
});
