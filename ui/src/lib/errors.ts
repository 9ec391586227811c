// What an error carries beside its message (`AppError.details`, one kind of problem list per
// error): read here, so a screen asks for the list it shows and never looks at the shape.
import type { AppError, Diagnostic, RowProblem, SchemaProblem } from "../api";

const none: readonly never[] = [];

/** An `invalid_flow` error's problems, sorted by where they are. */
export function diagnosticsOf(error: AppError): readonly Diagnostic[] {
  return error.details?.kind === "flow" ? error.details.diagnostics : none;
}

/** An `invalid_table` error's problems with the definition, by column. */
export function schemaProblemsOf(error: AppError): readonly SchemaProblem[] {
  return error.details?.kind === "schema" ? error.details.problems : none;
}

/** An `invalid_rows` error's refused rows, by row (an import's: by line) and column. */
export function rowProblemsOf(error: AppError): readonly RowProblem[] {
  return error.details?.kind === "rows" ? error.details.problems : none;
}

/** An `invalid_input` error's problems with a definition (a schedule, a template), in words. */
export function problemsOf(error: AppError): readonly string[] {
  return error.details?.kind === "problems" ? error.details.problems : none;
}

/** A definition refused in the window before it reaches Rust, as Rust would refuse it. */
export function invalidInput(message: string, problems: readonly string[]): AppError {
  return { code: "invalid_input", message, details: { kind: "problems", problems: [...problems] } };
}

/** A table definition refused in the window, as Rust would refuse it. */
export function invalidTable(message: string, problems: readonly SchemaProblem[]): AppError {
  return { code: "invalid_table", message, details: { kind: "schema", problems: [...problems] } };
}

/** Rows refused in the window, as Rust would refuse them. */
export function invalidRows(message: string, problems: readonly RowProblem[]): AppError {
  return { code: "invalid_rows", message, details: { kind: "rows", problems: [...problems] } };
}
