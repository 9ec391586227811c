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

/** A cell as text: null as an empty cell, texts bare, anything else as JSON. */
export function cellText(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** The file name an export suggests: `<node>-run<id>.<format>`. */
export function resultFileName(nodeId: string, runId: number, format: ExportFormat): string {
  return `${nodeId}-run${runId}.${format}`;
}
