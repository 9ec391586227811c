// A table's columns as the schema editor holds them (text exactly as typed) and the schema Rust
// takes (typed JSON), both ways. Which rules each type offers lives here, so the editor shows
// only those and a rule hidden by a change of type is never sent. Pure.
import type { Column, ColumnInput, ColumnType, JsonValue, OnDelete, SchemaProblem, TableSchema, TableSchemaInput } from "../api";
import { parseList, parseValue, valueText, type Parsed } from "./tableValues";

export const COLUMN_TYPES: readonly ColumnType[] = [
  "string",
  "text",
  "integer",
  "decimal",
  "boolean",
  "date",
  "datetime",
  "json",
  "reference",
];

export const ON_DELETE: readonly OnDelete[] = ["restrict", "cascade", "set-null"];

export type RuleName =
  | "min_length"
  | "max_length"
  | "pattern"
  | "enum"
  | "min"
  | "max"
  | "target_table"
  | "on_delete"
  | "computed";

const TEXT_RULES: readonly RuleName[] = ["min_length", "max_length", "pattern", "enum", "computed"];
const NUMBER_RULES: readonly RuleName[] = ["min", "max", "enum", "computed"];
const TIME_RULES: readonly RuleName[] = ["min", "max", "computed"];

/** The rules that mean something for each type, in the order the editor shows them. */
export const RULES: Readonly<Record<ColumnType, readonly RuleName[]>> = {
  string: TEXT_RULES,
  text: TEXT_RULES,
  integer: NUMBER_RULES,
  decimal: NUMBER_RULES,
  boolean: ["computed"],
  date: TIME_RULES,
  datetime: TIME_RULES,
  json: ["computed"],
  reference: ["target_table", "on_delete", "computed"],
};

export const RULE_LABELS: Readonly<Record<RuleName, string>> = {
  min_length: "Min length",
  max_length: "Max length",
  pattern: "Pattern",
  enum: "Allowed values",
  min: "Min",
  max: "Max",
  target_table: "Refers to",
  on_delete: "On delete",
  computed: "Computed as",
};

/** One column in the editor: every value is the text of its input. */
export type ColumnDraft = {
  /** Stays while the name is edited, so React and the editor keep track of the row. */
  readonly key: string;
  readonly name: string;
  readonly displayName: string;
  readonly type: ColumnType;
  readonly required: boolean;
  readonly unique: boolean;
  readonly indexed: boolean;
  readonly defaultValue: string;
  readonly rules: Readonly<Record<RuleName, string>>;
};

const noRules: Readonly<Record<RuleName, string>> = {
  min_length: "",
  max_length: "",
  pattern: "",
  enum: "",
  min: "",
  max: "",
  target_table: "",
  on_delete: "",
  computed: "",
};

function ruleText(column: Column, rule: RuleName): string {
  const rules = column.validation ?? {};
  switch (rule) {
    case "min_length":
    case "max_length":
      return rules[rule]?.toString() ?? "";
    case "enum":
      return (rules.enum ?? []).map((v) => valueText(column.data_type, v)).join(", ");
    case "min":
    case "max":
      return valueText(column.data_type, rules[rule]);
    case "pattern":
    case "target_table":
    case "on_delete":
    case "computed":
      return rules[rule] ?? "";
  }
}

/** A stored schema's columns as editor rows, keyed `c1`, `c2`, … */
export function columnDrafts(schema: TableSchema): ColumnDraft[] {
  return schema.columns.map((column, index) => ({
    key: `c${index + 1}`,
    name: column.name,
    displayName: column.display_name ?? "",
    type: column.data_type,
    required: column.required ?? false,
    unique: column.unique ?? false,
    indexed: column.indexed ?? false,
    defaultValue: valueText(column.data_type, column.default_value),
    rules: Object.fromEntries(
      (Object.keys(noRules) as RuleName[]).map((rule) => [rule, ruleText(column, rule)]),
    ) as Record<RuleName, string>,
  }));
}

/** The columns with a blank string column added at the end, under a key none of them has. */
export function addColumn(columns: readonly ColumnDraft[]): ColumnDraft[] {
  const used = columns.map((c) => Number(/^c(\d+)$/.exec(c.key)?.[1] ?? 0));
  const key = `c${Math.max(0, ...used) + 1}`;
  const blank: ColumnDraft = {
    key,
    name: "",
    displayName: "",
    type: "string",
    required: false,
    unique: false,
    indexed: false,
    defaultValue: "",
    rules: noRules,
  };
  return [...columns, blank];
}

export function updateColumn(columns: readonly ColumnDraft[], key: string, patch: Partial<Omit<ColumnDraft, "key">>): ColumnDraft[] {
  return columns.map((c) => (c.key === key ? { ...c, ...patch } : c));
}

export function setRule(columns: readonly ColumnDraft[], key: string, rule: RuleName, text: string): ColumnDraft[] {
  return columns.map((c) => (c.key === key ? { ...c, rules: { ...c.rules, [rule]: text } } : c));
}

export function removeColumn(columns: readonly ColumnDraft[], key: string): ColumnDraft[] {
  return columns.filter((c) => c.key !== key);
}

/** The columns with `key`'s moved one place up (-1) or down (1); unchanged at either end. */
export function moveColumn(columns: readonly ColumnDraft[], key: string, by: -1 | 1): ColumnDraft[] {
  const from = columns.findIndex((c) => c.key === key);
  const to = from + by;
  const moving = columns[from];
  if (moving === undefined || to < 0 || to >= columns.length) return [...columns];
  const rest = columns.filter((_, i) => i !== from);
  return [...rest.slice(0, to), moving, ...rest.slice(to)];
}

/** Whether a column of this type has any rule set that it shows. */
export function hasRules(column: ColumnDraft): boolean {
  return RULES[column.type].some((rule) => column.rules[rule].trim() !== "");
}

function lengthRule(text: string): Parsed {
  const n = Number(text);
  return /^\d+$/.test(text) && Number.isSafeInteger(n)
    ? { ok: true, value: n }
    : { ok: false, message: `expected a whole number of characters, got "${text}"` };
}

function readRule(column: ColumnDraft, rule: RuleName, text: string): Parsed {
  switch (rule) {
    case "min_length":
    case "max_length":
      return lengthRule(text);
    case "min":
    case "max":
      return parseValue(column.type, text);
    case "enum":
      return parseList(column.type, text);
    case "on_delete":
      return ON_DELETE.includes(text as OnDelete) ? { ok: true, value: text } : { ok: false, message: `unknown choice "${text}"` };
    case "pattern":
      return { ok: true, value: text };
    case "target_table":
    case "computed":
      return { ok: true, value: text.trim() };
  }
}

function toColumn(draft: ColumnDraft): { readonly column: ColumnInput; readonly problems: string[] } {
  const problems: string[] = [];
  const validation: Record<string, JsonValue> = {};
  for (const rule of RULES[draft.type]) {
    const text = rule === "pattern" ? draft.rules[rule] : draft.rules[rule].trim();
    if (text === "") continue;
    const parsed = readRule(draft, rule, text);
    if (parsed.ok) validation[rule] = parsed.value;
    else problems.push(`${rule}: ${parsed.message}`);
  }
  const column: ColumnInput = {
    name: draft.name.trim(),
    data_type: draft.type,
    required: draft.required,
    unique: draft.unique,
    indexed: draft.indexed,
    validation,
  };
  if (draft.displayName.trim() !== "") column.display_name = draft.displayName.trim();
  const fallback = parseValue(draft.type, draft.defaultValue);
  if (!fallback.ok) problems.push(`default: ${fallback.message}`);
  else if (fallback.value !== null) column.default_value = fallback.value;
  return { column, problems };
}

/**
 * The schema the editor's rows make, with each value typed (numbers for integer bounds,
 * lists for allowed values); or every value that does not read as its type, by column.
 */
export function schemaFromDrafts(
  columns: readonly ColumnDraft[],
): { readonly ok: true; readonly schema: TableSchemaInput } | { readonly ok: false; readonly problems: SchemaProblem[] } {
  const converted = columns.map(toColumn);
  const problems = converted.flatMap(({ column, problems: found }) => found.map((message) => ({ column: column.name, message })));
  return problems.length > 0 ? { ok: false, problems } : { ok: true, schema: { columns: converted.map((c) => c.column) } };
}

/** The problems that name `column`. */
export function problemsOf(problems: readonly SchemaProblem[], column: string): string[] {
  return problems.filter((p) => p.column === column).map((p) => p.message);
}
