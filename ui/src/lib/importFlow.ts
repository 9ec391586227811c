// The steps of importing a flow file, as a small state machine (`importStep`), and what the
// home screen says about the outcome (`importTitle`, `describeImport`). Pure: the store runs
// the dialogs and commands and feeds their answers in as events.
//
//   idle ─start→ picking ─picked(path)→ importing(path, "fail") ─imported→ done
//                   │ picked(null) → idle      │ rejected(conflict) → conflict(path, message)
//                   └ pickFailed → failed      └ rejected(other) → failed
//   conflict ─choose(keep-both | replace)→ importing(path, choice);  conflict ─cancel→ idle
//   done | failed ─dismiss→ idle;  done | failed ─start→ picking (a new import replaces the notice)
import type { AppError, ImportOutcome, OnConflict, TemplateFate } from "../api";
import { plural } from "./format";

/** The choices the conflict dialog offers. */
export type ConflictChoice = Exclude<OnConflict, "fail">;

export type ImportState =
  | { readonly step: "idle" }
  | { readonly step: "picking" }
  | { readonly step: "importing"; readonly path: string; readonly choice: OnConflict }
  | { readonly step: "conflict"; readonly path: string; readonly message: string }
  | { readonly step: "done"; readonly outcome: ImportOutcome; readonly name: string | null }
  | { readonly step: "failed"; readonly error: AppError };

export type ImportEvent =
  | { readonly type: "start" }
  | { readonly type: "picked"; readonly path: string | null }
  | { readonly type: "pickFailed"; readonly error: AppError }
  | { readonly type: "imported"; readonly outcome: ImportOutcome; readonly name: string | null }
  | { readonly type: "rejected"; readonly error: AppError }
  | { readonly type: "choose"; readonly choice: ConflictChoice }
  | { readonly type: "cancel" }
  | { readonly type: "dismiss" };

export const importIdle: ImportState = { step: "idle" };

/** Whether an import is under way (the button waits for it). */
export function importBusy(state: ImportState): boolean {
  return state.step === "picking" || state.step === "importing";
}

/** The next state; an event that does not apply to the current step leaves it unchanged. */
export function importStep(state: ImportState, event: ImportEvent): ImportState {
  switch (state.step) {
    case "idle":
    case "done":
    case "failed":
      if (event.type === "start") return { step: "picking" };
      if (event.type === "dismiss" && state.step !== "idle") return importIdle;
      return state;
    case "picking":
      if (event.type === "picked") return event.path === null ? importIdle : { step: "importing", path: event.path, choice: "fail" };
      if (event.type === "pickFailed") return { step: "failed", error: event.error };
      return state;
    case "importing":
      if (event.type === "imported") return { step: "done", outcome: event.outcome, name: event.name };
      if (event.type === "rejected") {
        // Only a first try asks; a conflict after a choice is reported like any other failure.
        return event.error.code === "conflict" && state.choice === "fail"
          ? { step: "conflict", path: state.path, message: event.error.message }
          : { step: "failed", error: event.error };
      }
      return state;
    case "conflict":
      if (event.type === "choose") return { step: "importing", path: state.path, choice: event.choice };
      if (event.type === "cancel") return importIdle;
      return state;
  }
}

/** `Imported Low CTR review`, or the id when the flow's name is not known. */
export function importTitle(outcome: Pick<ImportOutcome, "composition_id">, name: string | null): string {
  const shown = name?.trim();
  return `Imported ${shown ? shown : outcome.composition_id}`;
}

/** "3 templates: 2 added, 1 reused." (null when there were none). */
export function fateCounts(templates: readonly (readonly [string, TemplateFate])[]): string | null {
  if (templates.length === 0) return null;
  const counts = new Map<string, number>();
  for (const [, fate] of templates) {
    const word = fate.fate === "renamed_to" ? "renamed" : fate.fate;
    counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  const parts = ["added", "reused", "replaced", "renamed"]
    .filter((word) => counts.has(word))
    .map((word) => `${counts.get(word) ?? 0} ${word}`);
  return `${plural(templates.length, "template")}: ${parts.join(", ")}.`;
}

/** The lines under the title: what happened to the flow and to the templates it carried. */
export function describeImport(outcome: ImportOutcome): string[] {
  const lines: string[] = [];
  if (outcome.replaced_flow) lines.push("It replaced the workspace's flow with the same id.");
  const fates = fateCounts(outcome.templates);
  if (fates !== null) lines.push(fates);
  for (const [templateId, fate] of outcome.templates) {
    if (fate.fate === "renamed_to") lines.push(`Template ${templateId} was kept beside the workspace's as ${fate.new_id}.`);
  }
  return lines;
}
