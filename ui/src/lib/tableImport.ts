// The import wizard's choices and what came of an import: the file, a new table (its name
// from the file's stem, its columns as inferred and adjusted) or an existing one, whether to
// skip invalid rows; the request those make, and the report of a refused import. Pure.
import type { AppError, FileImport, RowProblem, SchemaProblem, TableSchemaInput } from "../api";
import { plural } from "./format";
import { schemaFromDrafts, type ColumnDraft } from "./tableSchema";
import { rowProblemsOf } from "./errors";

export const TABLE_FILE_EXTENSIONS: readonly string[] = ["csv", "json", "jsonl", "parquet"];

/** The longest table name the backend takes. */
const MAX_NAME = 63;

export type ImportChoices = {
  /** The file to import: typed, or chosen with Browse. */
  readonly path: string;
  readonly target: "new" | "existing";
  /** The new table's name; null while it follows the file's name. */
  readonly newName: string | null;
  readonly existingName: string;
  /** The new table's columns as inferred from `path` and adjusted; null: let the backend infer them. */
  readonly columns: readonly ColumnDraft[] | null;
  readonly skipInvalid: boolean;
};

export const noImportChoices: ImportChoices = {
  path: "",
  target: "new",
  newName: null,
  existingName: "",
  columns: null,
  skipInvalid: false,
};

export type ImportRequest = {
  readonly path: string;
  readonly table: string;
  readonly schema: TableSchemaInput | null;
  readonly skipInvalid: boolean;
};

/**
 * An import from the wizard: the request it sent (to try again) and its answer, or the
 * problems that kept the choices from making a request at all.
 */
export type ImportRun =
  | { readonly status: "idle" }
  | { readonly status: "invalid"; readonly problems: readonly SchemaProblem[] }
  | { readonly status: "importing"; readonly request: ImportRequest }
  | { readonly status: "failed"; readonly request: ImportRequest; readonly error: AppError }
  | { readonly status: "done"; readonly request: ImportRequest; readonly result: FileImport };

/** A file's stem as a table name: `~/Downloads/Q3 Orders.v2.csv` → `q3_orders_v2`. */
export function tableNameFromPath(path: string): string {
  const file = path.split(/[\\/]/).pop() ?? "";
  const dot = file.lastIndexOf(".");
  const stem = dot > 0 ? file.slice(0, dot) : file;
  const snake = stem
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
  if (snake === "") return "";
  return (/^[a-z]/.test(snake) ? snake : `t_${snake}`).slice(0, MAX_NAME);
}

/** The name the new table gets: the one typed, or the file's. */
export function newTableName(choices: ImportChoices): string {
  return choices.newName ?? tableNameFromPath(choices.path);
}

/** The choices with another file: the columns inferred from the old one no longer apply. */
export function withPath(choices: ImportChoices, path: string): ImportChoices {
  return path === choices.path ? choices : { ...choices, path, columns: null };
}

/**
 * The import the choices ask for; or what is missing (no file, no table) or wrong with the
 * adjusted columns, as schema problems by column.
 */
export function importRequest(
  choices: ImportChoices,
): { readonly ok: true; readonly request: ImportRequest } | { readonly ok: false; readonly problems: SchemaProblem[] } {
  const missing = (message: string) => ({ ok: false as const, problems: [{ column: null, message }] });
  const path = choices.path.trim();
  if (path === "") return missing("Choose a file to import.");
  const base = { path, skipInvalid: choices.skipInvalid };
  if (choices.target === "existing") {
    if (choices.existingName === "") return missing("Choose the table to import into.");
    return { ok: true, request: { ...base, table: choices.existingName, schema: null } };
  }
  const table = newTableName(choices).trim();
  if (table === "") return missing("Name the new table.");
  if (choices.columns === null) return { ok: true, request: { ...base, table, schema: null } };
  const schema = schemaFromDrafts(choices.columns);
  return schema.ok ? { ok: true, request: { ...base, table, schema: schema.schema } } : schema;
}

/** A refused import's problems, by line then column. */
export function importProblems(error: AppError): RowProblem[] {
  return [...rowProblemsOf(error)].sort((a, b) => a.row - b.row || a.column.localeCompare(b.column));
}

/** What an import did, a sentence a line. */
export function describeFileImport(result: FileImport): string[] {
  const lines = [
    `Imported ${plural(result.imported, "row")} into ${result.table}${result.created ? ", a new table" : ""}.`,
  ];
  if (result.skipped > 0) {
    lines.push(
      result.report === null
        ? `Skipped ${plural(result.skipped, "invalid row")}.`
        : `Skipped ${plural(result.skipped, "invalid row")}, listed with their problems in ${result.report}.`,
    );
  }
  return lines;
}
