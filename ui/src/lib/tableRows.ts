// A data table's rows on screen: the order and filters the browser asks for, and the row form
// (text per column, read back as typed values for an insert or an update). Pure: the store
// fetches and writes, the components draw.
import type { Column, ColumnType, FilterOp, JsonValue, RowFilter, RowProblem, RowSort, TableRow } from "../api";
import { parseValue, valueText } from "./tableValues";

/** Rows fetched per page; the table virtualises them. */
export const ROWS_PAGE_SIZE = 200;

/** The column every row has: its id, in the order rows were written. */
export const ID_COLUMN = "_id";

export const FILTER_OPS: readonly { readonly op: FilterOp; readonly label: string }[] = [
  { op: "eq", label: "=" },
  { op: "ne", label: "≠" },
  { op: "lt", label: "<" },
  { op: "le", label: "≤" },
  { op: "gt", label: ">" },
  { op: "ge", label: "≥" },
  { op: "contains", label: "contains" },
  { op: "is_null", label: "is empty" },
  { op: "is_not_null", label: "is not empty" },
];

/** Whether a filter with `op` compares with a value. */
export function needsValue(op: FilterOp): boolean {
  return op !== "is_null" && op !== "is_not_null";
}

/** A header click: ascending first, then descending, then back to the written order. */
export function nextSort(sort: RowSort | null, column: string): RowSort | null {
  if (sort?.column !== column) return { column, descending: false };
  return sort.descending === true ? null : { column, descending: true };
}

function typeOf(columns: readonly Column[], name: string): ColumnType | undefined {
  return name === ID_COLUMN ? "integer" : columns.find((c) => c.name === name)?.data_type;
}

/** A filter as typed in the filter bar. */
export type FilterDraft = { readonly column: string; readonly op: FilterOp; readonly text: string };

/** The filter a draft makes, its value read as the column's type (text for `contains`). */
export function filterFromDraft(
  columns: readonly Column[],
  draft: FilterDraft,
): { readonly ok: true; readonly filter: RowFilter } | { readonly ok: false; readonly message: string } {
  const type = typeOf(columns, draft.column);
  if (type === undefined) return { ok: false, message: "Choose a column to filter on." };
  if (!needsValue(draft.op)) return { ok: true, filter: { column: draft.column, op: draft.op } };
  if (draft.text.trim() === "") return { ok: false, message: "Type a value to compare with." };
  if (draft.op === "contains") return { ok: true, filter: { column: draft.column, op: "contains", value: draft.text } };
  const parsed = parseValue(type, draft.text);
  if (!parsed.ok) return { ok: false, message: `${draft.column}: ${parsed.message}` };
  return { ok: true, filter: { column: draft.column, op: draft.op, value: parsed.value } };
}

/** A filter in words, for its chip: `amount ≥ 10`, `email is empty`. */
export function describeFilter(filter: RowFilter): string {
  const label = FILTER_OPS.find((o) => o.op === filter.op)?.label ?? filter.op;
  if (!needsValue(filter.op)) return `${filter.column} ${label}`;
  const value = filter.value;
  return `${filter.column} ${label} ${typeof value === "string" ? `“${value}”` : JSON.stringify(value ?? null)}`;
}

/** The columns a row form edits: all but computed ones, which the table fills in. */
export function editableColumns(columns: readonly Column[]): Column[] {
  return columns.filter((c) => c.validation?.computed === undefined);
}

/** The row form's starting texts: the row's values, or empty for a new row. */
export function rowTexts(columns: readonly Column[], row: TableRow | null): Record<string, string> {
  return Object.fromEntries(columns.map((c) => [c.name, row === null ? "" : valueText(c.data_type, row[c.name])]));
}

/**
 * The form's texts as typed values. A new row leaves out what is empty (so defaults apply);
 * an edited row sends empty as null (the value is cleared). Unreadable values come back as
 * row problems, like the backend's.
 */
export function rowValues(
  columns: readonly Column[],
  texts: Readonly<Record<string, string>>,
  isNew: boolean,
): { readonly ok: true; readonly values: Record<string, JsonValue> } | { readonly ok: false; readonly problems: RowProblem[] } {
  const values: Record<string, JsonValue> = {};
  const problems: RowProblem[] = [];
  for (const column of columns) {
    const parsed = parseValue(column.data_type, texts[column.name] ?? "");
    if (!parsed.ok) problems.push({ row: 1, column: column.name, message: parsed.message });
    else if (parsed.value !== null || !isNew) values[column.name] = parsed.value;
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, values };
}

/**
 * How a column's value is typed in the row form: one of its allowed values, true / false, a
 * text area for long text and JSON, or a line of text read as the column's type.
 */
export type InputKind = "choice" | "boolean" | "long-text" | "text";

export function inputKind(column: Column): InputKind {
  if ((column.validation?.enum ?? []).length > 0) return "choice";
  if (column.data_type === "boolean") return "boolean";
  return column.data_type === "text" || column.data_type === "json" ? "long-text" : "text";
}

/** The choices of a column with allowed values, as the texts the form reads back. */
export function choices(column: Column): string[] {
  return (column.validation?.enum ?? []).map((v) => valueText(column.data_type, v));
}

/** `1 row`, `1,234 rows`. */
export function rowCount(count: number): string {
  return `${count.toLocaleString("en-US")} ${count === 1 ? "row" : "rows"}`;
}

/** The ids of the page's rows. */
export function rowIds(rows: readonly TableRow[]): number[] {
  return rows.flatMap((row) => (typeof row[ID_COLUMN] === "number" ? [row[ID_COLUMN]] : []));
}

/** Every problem's message, grouped by the column it names. */
export function problemsByColumn(problems: readonly RowProblem[]): Map<string, string[]> {
  const grouped = new Map<string, string[]>();
  for (const p of problems) grouped.set(p.column, [...(grouped.get(p.column) ?? []), p.message]);
  return grouped;
}
