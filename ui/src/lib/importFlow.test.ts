// The import steps: picking a file, a conflict and the user's choice, and what the notice says.
import { describe, expect, it } from "vitest";
import type { AppError, ImportOutcome } from "../api";
import { diagnostic } from "../testing/fixtures";
import { describeImport, importBusy, importIdle, importStep, importTitle, type ImportEvent, type ImportState } from "./importFlow";

const outcome: ImportOutcome = { composition_id: "comp_low_ctr", replaced_flow: false, templates: [], warnings: [] };
const conflict: AppError = { code: "conflict", message: "Template tpl_top exists with other content." };
const invalid: AppError = {
  code: "invalid_flow",
  message: "The file has 1 problem.",
  details: { kind: "flow", diagnostics: [diagnostic("cycle", { path: "/connections/0" })], node_ids: [], connection_ids: [] },
};

function run(events: ImportEvent[], from: ImportState = importIdle): ImportState[] {
  const states: ImportState[] = [];
  let state = from;
  for (const event of events) {
    state = importStep(state, event);
    states.push(state);
  }
  return states;
}

describe("importStep", () => {
  it("picks a file and imports it, refusing conflicts the first time", () => {
    expect(run([{ type: "start" }, { type: "picked", path: "/tmp/a.flow.json" }, { type: "imported", outcome, name: "Low CTR" }])).toEqual([
      { step: "picking" },
      { step: "importing", path: "/tmp/a.flow.json", choice: "fail" },
      { step: "done", outcome, name: "Low CTR" },
    ]);
  });

  it("goes back to idle when the dialog is cancelled", () => {
    expect(run([{ type: "start" }, { type: "picked", path: null }])).toEqual([{ step: "picking" }, importIdle]);
  });

  it("asks about a conflict, then imports again with the choice", () => {
    const states = run([
      { type: "start" },
      { type: "picked", path: "/f.json" },
      { type: "rejected", error: conflict },
      { type: "choose", choice: "keep-both" },
      { type: "imported", outcome, name: null },
    ]);
    expect(states.slice(2)).toEqual([
      { step: "conflict", path: "/f.json", message: conflict.message },
      { step: "importing", path: "/f.json", choice: "keep-both" },
      { step: "done", outcome, name: null },
    ]);
  });

  it("drops the import when the conflict is cancelled", () => {
    expect(importStep({ step: "conflict", path: "/f.json", message: "x" }, { type: "cancel" })).toEqual(importIdle);
  });

  it("fails on anything but a first conflict", () => {
    expect(importStep({ step: "importing", path: "/f", choice: "fail" }, { type: "rejected", error: invalid })).toEqual({
      step: "failed",
      error: invalid,
    });
    expect(importStep({ step: "importing", path: "/f", choice: "replace" }, { type: "rejected", error: conflict })).toEqual({
      step: "failed",
      error: conflict,
    });
    const dialogError: AppError = { code: "internal", message: "no dialog" };
    expect(importStep({ step: "picking" }, { type: "pickFailed", error: dialogError })).toEqual({ step: "failed", error: dialogError });
  });

  it("dismisses a result, and a new import replaces it", () => {
    const done: ImportState = { step: "done", outcome, name: null };
    expect(importStep(done, { type: "dismiss" })).toEqual(importIdle);
    expect(importStep({ step: "failed", error: invalid }, { type: "start" })).toEqual({ step: "picking" });
  });

  it("ignores events that do not apply", () => {
    const importing: ImportState = { step: "importing", path: "/f", choice: "fail" };
    expect(importStep(importing, { type: "start" })).toBe(importing);
    expect(importStep(importing, { type: "dismiss" })).toBe(importing);
    expect(importStep(importIdle, { type: "choose", choice: "replace" })).toBe(importIdle);
    expect(importStep(importIdle, { type: "dismiss" })).toBe(importIdle);
    const picking: ImportState = { step: "picking" };
    expect(importStep(picking, { type: "imported", outcome, name: null })).toBe(picking);
  });

  it("is busy only while picking or importing", () => {
    expect([importIdle, { step: "picking" } as const, { step: "importing", path: "/f", choice: "fail" } as const].map(importBusy)).toEqual([
      false,
      true,
      true,
    ]);
    expect(importBusy({ step: "conflict", path: "/f", message: "" })).toBe(false);
  });
});

describe("what the notice says", () => {
  it("names the flow, or its id when the name is not known", () => {
    expect(importTitle(outcome, "Low CTR review")).toBe("Imported Low CTR review");
    expect(importTitle(outcome, null)).toBe("Imported comp_low_ctr");
    expect(importTitle(outcome, "  ")).toBe("Imported comp_low_ctr");
  });

  it("says what happened to the flow and its templates", () => {
    expect(describeImport(outcome)).toEqual([]);
    expect(
      describeImport({
        ...outcome,
        replaced_flow: true,
        templates: [
          ["tpl_a", { fate: "added" }],
          ["tpl_b", { fate: "reused" }],
          ["tpl_c", { fate: "renamed_to", new_id: "tpl_c_2" }],
          ["tpl_d", { fate: "added" }],
        ],
      }),
    ).toEqual([
      "It replaced the workspace's flow with the same id.",
      "4 templates: 2 added, 1 reused, 1 renamed.",
      "Template tpl_c was kept beside the workspace's as tpl_c_2.",
    ]);
  });
});
