// A data table's cell as the user types it and as Rust takes it: text from an input read as a
// column type's JSON (numbers for integers, decimals and references, true/false for booleans,
// dates and datetimes as text, any JSON for json), and a stored value back as text to edit.
// Pure; the checks mirror the backend's so a mistake is named before anything is sent.
import type { ColumnType, JsonValue } from "../api";
import { cellText } from "./results";

export type Parsed = { readonly ok: true; readonly value: JsonValue } | { readonly ok: false; readonly message: string };

const WHOLE = /^[-+]?\d+$/;
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** What a type's values look like, for placeholders and messages. */
export const TYPE_HINTS: Readonly<Record<ColumnType, string>> = {
  string: "text",
  text: "text",
  integer: "a whole number",
  decimal: "a number",
  boolean: "true or false",
  date: "a date (YYYY-MM-DD)",
  datetime: "a datetime (e.g. 2026-06-01T09:30:00Z)",
  json: "JSON",
  reference: "a row id (a whole number)",
};

/**
 * `text` read as a value of `type`; empty (or blank, for types other than text) is null.
 * Datetimes are passed on as typed: the backend reads every RFC 3339 form.
 */
export function parseValue(type: ColumnType, text: string): Parsed {
  const trimmed = text.trim();
  if (type === "string" || type === "text") return { ok: true, value: text === "" ? null : text };
  if (trimmed === "") return { ok: true, value: null };
  const wrong = (): Parsed => ({ ok: false, message: `expected ${TYPE_HINTS[type]}, got "${trimmed}"` });
  switch (type) {
    case "integer":
    case "reference": {
      const n = Number(trimmed);
      return WHOLE.test(trimmed) && Number.isSafeInteger(n) ? { ok: true, value: n } : wrong();
    }
    case "decimal": {
      const n = Number(trimmed);
      return NUMBER.test(trimmed) && Number.isFinite(n) ? { ok: true, value: n } : wrong();
    }
    case "boolean": {
      const lower = trimmed.toLowerCase();
      return lower === "true" || lower === "false" ? { ok: true, value: lower === "true" } : wrong();
    }
    case "date":
      return DATE.test(trimmed) ? { ok: true, value: trimmed } : wrong();
    case "datetime":
      return { ok: true, value: trimmed };
    case "json":
      try {
        return { ok: true, value: JSON.parse(trimmed) as JsonValue };
      } catch {
        return { ok: false, message: `expected JSON, got ${trimmed}` };
      }
  }
}

/** A comma-separated list (an enum's values) read item by item as `type`; blanks are skipped. */
export function parseList(type: ColumnType, text: string): { readonly ok: true; readonly value: JsonValue[] } | { readonly ok: false; readonly message: string } {
  const values: JsonValue[] = [];
  for (const item of text.split(",").map((part) => part.trim())) {
    if (item === "") continue;
    const parsed = parseValue(type, item);
    if (!parsed.ok) return parsed;
    values.push(parsed.value);
  }
  return { ok: true, value: values };
}

/** A stored value as the text an input starts from: empty for null, JSON for a json column. */
export function valueText(type: ColumnType, value: JsonValue | undefined): string {
  if (type === "json" && value !== undefined && value !== null) return JSON.stringify(value);
  return cellText(value);
}
