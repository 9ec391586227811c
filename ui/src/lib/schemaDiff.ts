// Two versions of a table's schema side by side: columns aligned by name (added, removed,
// modified or the same), each with its facts (type, flags, default, rules) lined up so the
// fields that changed can be marked; and each recorded change in a few words. Pure.
import type { Column, SchemaChange, TableSchema } from "../api";

export type ColumnStatus = "added" | "removed" | "modified" | "same";

/** One line of a column's description, on both sides (null: that side has no such column). */
export type FactLine = {
  readonly label: string;
  readonly before: string | null;
  readonly after: string | null;
  readonly changed: boolean;
};

export type DiffRow = {
  readonly name: string;
  readonly status: ColumnStatus;
  readonly lines: readonly FactLine[];
};

const RULE_ORDER = [
  "min_length",
  "max_length",
  "pattern",
  "enum",
  "min",
  "max",
  "target_table",
  "on_delete",
  "computed",
] as const;

const json = (value: unknown) => JSON.stringify(value);

/**
 * What the diff shows of a column, by label: its type and flags always, its display name,
 * default and rules when set. Values are JSON so `"1"` and `1` read differently.
 */
export function columnFacts(column: Column): Map<string, string> {
  const facts = new Map<string, string>([["type", column.data_type]]);
  if (column.display_name !== undefined && column.display_name !== "" && column.display_name !== column.name) {
    facts.set("display name", column.display_name);
  }
  facts.set("required", column.required === true ? "yes" : "no");
  facts.set("unique", column.unique === true ? "yes" : "no");
  facts.set("indexed", column.indexed === true ? "yes" : "no");
  if (column.default_value !== undefined && column.default_value !== null) facts.set("default", json(column.default_value));
  const rules = column.validation ?? {};
  for (const rule of RULE_ORDER) {
    const value = rules[rule];
    if (value === undefined || value === null) continue;
    facts.set(rule, typeof value === "string" ? value : json(value));
  }
  return facts;
}

function lines(before: Column | undefined, after: Column | undefined): FactLine[] {
  const was = before === undefined ? new Map<string, string>() : columnFacts(before);
  const now = after === undefined ? new Map<string, string>() : columnFacts(after);
  const labels = [...new Set([...was.keys(), ...now.keys()])];
  return labels.map((label) => {
    const b = before === undefined ? null : (was.get(label) ?? "—");
    const a = after === undefined ? null : (now.get(label) ?? "—");
    return { label, before: b, after: a, changed: b !== null && a !== null && b !== a };
  });
}

/**
 * `previous` (null: the table was new) beside `next`, one row per column name: `next`'s
 * columns in order, each removed one just after the column it followed in `previous`.
 */
export function diffSchemas(previous: TableSchema | null, next: TableSchema): DiffRow[] {
  const old = previous?.columns ?? [];
  const oldByName = new Map(old.map((c) => [c.name, c]));
  const newNames = new Set(next.columns.map((c) => c.name));
  const rows: DiffRow[] = next.columns.map((after) => {
    const before = oldByName.get(after.name);
    const factLines = lines(before, after);
    const status: ColumnStatus = before === undefined ? "added" : factLines.some((l) => l.changed) ? "modified" : "same";
    return { name: after.name, status, lines: factLines };
  });
  old.forEach((before, index) => {
    if (newNames.has(before.name)) return;
    const predecessor = old[index - 1]?.name;
    const at = predecessor === undefined ? 0 : rows.findIndex((r) => r.name === predecessor) + 1;
    rows.splice(at, 0, { name: before.name, status: "removed", lines: lines(before, undefined) });
  });
  return rows;
}

/** One recorded change in a few words: `Added amount (decimal)`, `Changed email: unique, max_length`. */
export function describeChange(change: SchemaChange): string {
  switch (change.type) {
    case "add_column":
      return `Added ${change.after.name} (${change.after.data_type})`;
    case "remove_column":
      return `Removed ${change.before.name}`;
    case "modify_column": {
      const changed = lines(change.before, change.after)
        .filter((l) => l.changed)
        .map((l) => l.label);
      const what = changed.length > 0 ? `: ${changed.join(", ")}` : "";
      return change.before.name === change.after.name
        ? `Changed ${change.after.name}${what}`
        : `Changed ${change.before.name} → ${change.after.name}${what}`;
    }
    case "rename_table":
      return `Renamed the table ${change.before} → ${change.after}`;
  }
}
