// What the SQL editor marks: `{{placeholders}}`, and the problems `templateProblems` found as
// lint diagnostics. Pure (no CodeMirror here), so positions are tested as plain numbers.
import type { SqlProblem } from "../api";

/** A `{{name}}` placeholder as the engine reads one (spaces inside the braces allowed). */
export const PLACEHOLDER = /\{\{\s*[A-Za-z_][A-Za-z0-9_]*\s*\}\}/g;

export type SqlDiagnostic = { readonly from: number; readonly to: number; readonly severity: "error" | "warning"; readonly message: string };

/**
 * The problems as diagnostics over a text of `length` characters: spans kept inside it, and a
 * problem with no span of its own (a parameter the SQL never uses) marked on the first character.
 */
export function sqlDiagnostics(problems: readonly SqlProblem[], length: number): SqlDiagnostic[] {
  return problems.map((problem) => {
    const from = Math.min(problem.from, length);
    const to = problem.to > from ? Math.min(problem.to, length) : Math.min(from + 1, length);
    return { from, to, severity: problem.error ? "error" : "warning", message: problem.message };
  });
}

/** The problems, errors first, as the list under the editor reads them. */
export function problemLines(problems: readonly SqlProblem[]): SqlProblem[] {
  return [...problems].sort((a, b) => Number(b.error) - Number(a.error) || a.from - b.from);
}
