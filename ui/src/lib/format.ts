// Small text formatters shared by the screens: counts, timestamps, JSON values, empty states.
import type { JsonValue } from "../api";

/** `1 node`, `4 nodes`. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

/** `Never run`, `1 run`, `12 runs`. */
export function runCount(count: number): string {
  return count === 0 ? "Never run" : plural(count, "run");
}

/** A stored timestamp as a short local date and time; the raw text if it does not parse. */
export function formatTimestamp(value: string, locale?: string): string {
  const time = Date.parse(value);
  if (Number.isNaN(time)) return value;
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" }).format(time);
}

/** "Used Jun 3, 2026, 9:30 AM" (local time), or null when the flow was never opened or run. */
export function lastUsed(meta: { readonly last_used_at: string | null }, locale?: string): string | null {
  return meta.last_used_at === null ? null : `Used ${formatTimestamp(meta.last_used_at, locale)}`;
}

/** A parameter value as it reads in a compact list: strings bare, lists comma separated. */
export function formatValue(value: JsonValue): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return value.map(formatValue).join(", ");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** What the home screen says when the current filter leaves no flows. */
export function emptyFlowsMessage(filter: { text: string; tag: string | null; favoritesOnly: boolean }): string {
  const text = filter.text.trim();
  const noun = filter.favoritesOnly ? "favourite flows" : "flows";
  if (text === "" && filter.tag === null) {
    return filter.favoritesOnly ? "No favourite flows yet. Star a flow to keep it here." : "No flows in this workspace yet.";
  }
  const tagged = filter.tag === null ? "" : ` tagged “${filter.tag}”`;
  return text === "" ? `No ${noun}${tagged}.` : `No ${noun}${tagged} match “${text}”.`;
}
