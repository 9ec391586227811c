// A node's kept result on screen: which page of it, how the pager and cells read, what an
// export is called. Pure: the store fetches pages, the drawer draws them.
import type { ExportFormat, JsonValue, ResultPage } from "../api";

/** Rows fetched per page; the table virtualises them, so a page can be long. */
export const RESULT_PAGE_SIZE = 500;

/** The results drawer: nothing, or one node's result in one run, a page at a time. */
export type ResultsView =
  | { readonly status: "none" }
  | { readonly status: "loading"; readonly runId: number; readonly nodeId: string; readonly offset: number }
  | { readonly status: "ready"; readonly runId: number; readonly nodeId: string; readonly page: ResultPage }
  | { readonly status: "failed"; readonly runId: number; readonly nodeId: string; readonly error: { readonly message: string } };

export const noResults: ResultsView = { status: "none" };

/** Where a page of rows (a result's or a data table's) sits in the whole. */
export type PageSpan = { readonly offset: number; readonly rows: readonly unknown[]; readonly total_rows: number };

/** "Rows 501–1,000 of 1,234", or "No rows". */
export function pageLabel(page: PageSpan): string {
  if (page.total_rows === 0) return "No rows";
  const first = page.offset + 1;
  const last = page.offset + page.rows.length;
  const n = (x: number) => x.toLocaleString("en-US");
  return `Rows ${n(first)}–${n(last)} of ${n(page.total_rows)}`;
}

/** The offsets of the previous and next pages of `pageSize` rows, null where there is none. */
export function neighbours(
  page: PageSpan,
  pageSize = RESULT_PAGE_SIZE,
): { readonly previous: number | null; readonly next: number | null } {
  const next = page.offset + page.rows.length;
  return {
    previous: page.offset > 0 ? Math.max(0, page.offset - pageSize) : null,
    next: next < page.total_rows ? next : null,
  };
}

/** A cell as text: null as an empty cell, texts bare, anything else as JSON. Exact: what a copy gives. */
export function cellText(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Whether a column of this Arrow type holds numbers (drawn right-aligned). */
export function isNumericColumn(dataType: string): boolean {
  return /^(U?Int|Float|Decimal)/.test(dataType);
}

/** Significant digits a floating-point cell shows: enough for any data, few enough to drop float noise. */
const FLOAT_DIGITS = 15;

const integers = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const floats = new Intl.NumberFormat("en-US", { maximumSignificantDigits: FLOAT_DIGITS });

/**
 * A cell as it reads in the results table. Numbers are grouped by thousands; a decimal keeps
 * every digit it has (the engine sends decimals as their exact digits: `"45894.60"` reads
 * `45,894.60`); a float shows 15 significant digits, so `45894.670000000006` reads
 * `45,894.67`. Anything else reads as {@link cellText}, which is also what a copy gives.
 */
export function cellDisplay(value: JsonValue | undefined, dataType: string): string {
  if (!isNumericColumn(dataType)) return cellText(value);
  if (typeof value === "string") return groupDigits(value) ?? value;
  if (typeof value !== "number" || !Number.isFinite(value)) return cellText(value);
  if (Number.isInteger(value) && !dataType.startsWith("Float")) return integers.format(value);
  return floats.format(value);
}

/** `-1234567.50` → `-1,234,567.50`, digit for digit; null when `text` is not a plain decimal numeral. */
export function groupDigits(text: string): string | null {
  const match = /^([+-]?)(\d+)(\.\d*)?$/.exec(text.trim());
  if (match === null) return null;
  const [, sign = "", whole = "", fraction = ""] = match;
  return `${sign}${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}${fraction}`;
}

/** A cell a copy takes: its row (-1 for the header) and column, and its exact text. */
export type CopiedCell = { readonly row: number; readonly column: number; readonly text: string };

/** Copied cells as a spreadsheet pastes them: one line per row, cells separated by tabs, in table order. */
export function copiedText(cells: readonly CopiedCell[]): string {
  const rows = new Map<number, CopiedCell[]>();
  for (const cell of cells) rows.set(cell.row, [...(rows.get(cell.row) ?? []), cell]);
  return [...rows.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, row]) =>
      [...row]
        .sort((a, b) => a.column - b.column)
        .map((cell) => cell.text)
        .join("\t"),
    )
    .join("\n");
}

/** The file name an export suggests: `<node>-run<id>.<format>`. */
export function resultFileName(nodeId: string, runId: number, format: ExportFormat): string {
  return `${nodeId}-run${runId}.${format}`;
}
