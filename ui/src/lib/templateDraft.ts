// A template as its editor holds it (every value the text of its input) and the template Rust
// takes, both ways. A stored template read into a draft and back is the same template, so
// saving it unchanged makes no new version. Pure.
import type { ChartConfig, ChartKind, JsonValue, OutputColumn, ResultPage, ScalarType, Template, TemplateInput } from "../api";
import { LOCAL_SOURCE } from "./sources";
import { parseList, parseValue, valueText, type Parsed } from "./tableValues";

export const SCALAR_TYPES: readonly ScalarType[] = ["string", "integer", "decimal", "boolean", "date", "datetime", "json"];

export const CHART_KINDS: readonly ChartKind[] = ["bar", "line", "area", "scatter", "pie"];

/** The id a template never saved is checked and test-run under (it is given its own at its first save). */
export const DRAFT_ID = "tpl_draft";

/** One declared parameter in the editor. */
export type ParamDraft = {
  /** Stays while the name is edited, so React keeps track of the row. */
  readonly key: string;
  readonly name: string;
  readonly type: ScalarType;
  readonly list: boolean;
  readonly required: boolean;
  /** A list's default is comma-separated. */
  readonly defaultText: string;
  readonly description: string;
  /** Comma-separated; blank allows any value. */
  readonly allowedText: string;
};

export type OutputDraft = { readonly key: string; readonly name: string; readonly type: ScalarType };

/** The chart config as its inputs hold it; a blank `series` draws one series per y column. */
export type ChartDraft = { readonly kind: ChartKind; readonly x: string; readonly y: readonly string[]; readonly series: string };

export type TemplateDraft = {
  /** Null until a new template is first saved (its id is then made from its name). */
  readonly templateId: string | null;
  /** Kept as stored (a data-table template stays one); new templates are SQL. */
  readonly kind: Template["kind"];
  /** The data source its SQL runs on; a data-table template stays on `src_local`. */
  readonly sourceId: string;
  readonly version: number | null;
  readonly name: string;
  readonly description: string;
  readonly category: string;
  /** Comma-separated. */
  readonly tagsText: string;
  readonly sql: string;
  readonly parameters: readonly ParamDraft[];
  readonly outputs: readonly OutputDraft[];
  readonly chart: ChartDraft | null;
};

export const blankDraft: TemplateDraft = {
  templateId: null,
  kind: undefined,
  sourceId: LOCAL_SOURCE,
  version: null,
  name: "",
  description: "",
  category: "",
  tagsText: "",
  sql: "SELECT 1",
  parameters: [],
  outputs: [],
  chart: null,
};

/** The source the draft's SQL runs on: a data-table template's is always `src_local`. */
export function draftSource(draft: TemplateDraft): string {
  return draft.kind === "data_table" ? LOCAL_SOURCE : draft.sourceId;
}

/** A stored template as the editor starts from it. */
export function draftOf(template: Template): TemplateDraft {
  return {
    templateId: template.template_id,
    kind: template.kind,
    sourceId: template.source_id ?? LOCAL_SOURCE,
    version: template.version,
    name: template.name,
    description: template.description,
    category: template.category,
    tagsText: template.tags.join(", "),
    sql: template.sql,
    parameters: template.parameters.map((p, index) => ({
      key: `p${index + 1}`,
      name: p.name,
      type: p.type,
      list: p.list === true,
      required: p.required,
      defaultText: p.default === undefined ? "" : listText(p.type, p.list === true, p.default),
      description: p.description ?? "",
      allowedText: (p.allowed_values ?? []).map((v) => valueText(p.type, v)).join(", "),
    })),
    outputs: (template.output_columns ?? []).map((c, index) => ({ key: `o${index + 1}`, name: c.name, type: c.type })),
    chart:
      template.chart_config === undefined
        ? null
        : { kind: template.chart_config.kind, x: template.chart_config.x, y: template.chart_config.y, series: template.chart_config.series ?? "" },
  };
}

function listText(type: ScalarType, list: boolean, value: JsonValue): string {
  return list && Array.isArray(value) ? value.map((v) => valueText(type, v)).join(", ") : valueText(type, value);
}

/** `text` read as a value of a parameter: a list comma-separated, blank as none (null). */
export function readParamValue(type: ScalarType, list: boolean, text: string): Parsed {
  if (!list) return parseValue(type, text);
  if (text.trim() === "") return { ok: true, value: null };
  return parseList(type, text);
}

/** The next free key with `prefix` (`p3` after `p1`, `p2`). */
function nextKey(prefix: string, rows: readonly { readonly key: string }[]): string {
  const used = rows.map((r) => Number(r.key.slice(prefix.length)) || 0);
  return `${prefix}${Math.max(0, ...used) + 1}`;
}

export function addParam(parameters: readonly ParamDraft[]): ParamDraft[] {
  const blank: ParamDraft = {
    key: nextKey("p", parameters),
    name: "",
    type: "string",
    list: false,
    required: true,
    defaultText: "",
    description: "",
    allowedText: "",
  };
  return [...parameters, blank];
}

export function addOutput(outputs: readonly OutputDraft[]): OutputDraft[] {
  return [...outputs, { key: nextKey("o", outputs), name: "", type: "string" }];
}

/** Output columns as a test run found them, replacing the declared ones. */
export function outputDrafts(columns: readonly OutputColumn[]): OutputDraft[] {
  return columns.map((c, index) => ({ key: `o${index + 1}`, name: c.name, type: c.type }));
}

/** The rows with `key`'s changed by `patch`. */
export function updateRow<T extends { readonly key: string }>(rows: readonly T[], key: string, patch: Partial<Omit<T, "key">>): T[] {
  return rows.map((row) => (row.key === key ? { ...row, ...patch } : row));
}

export function removeRow<T extends { readonly key: string }>(rows: readonly T[], key: string): T[] {
  return rows.filter((row) => row.key !== key);
}

/** `tpl_` and the name's words in lowercase joined by `_`, with `_2`, `_3`, … while `taken` has it. */
export function templateIdFor(name: string, taken: ReadonlySet<string>): string {
  const words = name
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .join("_");
  const base = `tpl_${words === "" ? "template" : words}`;
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}_${n}`;
  return id;
}

function splitList(text: string): string[] {
  return text
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
}

function duplicates(names: readonly string[]): string[] {
  return [...new Set(names.filter((name, index) => name !== "" && names.indexOf(name) !== index))];
}

/** The parameters as Rust takes them, and what in them does not read as its type. */
function parameters(drafts: readonly ParamDraft[]): { readonly specs: NonNullable<TemplateInput["parameters"]>; readonly problems: string[] } {
  const problems: string[] = [];
  const specs = drafts.map((draft) => {
    const name = draft.name.trim();
    const label = name === "" ? "a parameter" : `parameter “${name}”`;
    const spec: NonNullable<TemplateInput["parameters"]>[number] = { name, type: draft.type, required: draft.required };
    if (draft.list) spec.list = true;
    if (draft.description.trim() !== "") spec.description = draft.description.trim();
    const fallback = readParamValue(draft.type, draft.list, draft.defaultText);
    if (!fallback.ok) problems.push(`${label}: default ${fallback.message}`);
    else if (fallback.value !== null) spec.default = fallback.value;
    const allowed = parseList(draft.type, draft.allowedText);
    if (!allowed.ok) problems.push(`${label}: allowed values ${allowed.message}`);
    else if (allowed.value.length > 0) spec.allowed_values = allowed.value;
    return spec;
  });
  if (drafts.some((d) => d.name.trim() === "")) problems.push("Every parameter needs a name.");
  for (const name of duplicates(specs.map((s) => s.name))) problems.push(`Parameter “${name}” is declared twice.`);
  return { specs, problems };
}

export type Built = { readonly ok: true; readonly template: TemplateInput } | { readonly ok: false; readonly problems: readonly string[] };

/** The draft as the template Rust takes (with `templateId`), or every reason it cannot be yet. */
export function templateOf(draft: TemplateDraft, templateId: string): Built {
  const { specs, problems } = parameters(draft.parameters);
  const outputs = draft.outputs.map((o) => ({ name: o.name.trim(), type: o.type }));
  if (outputs.some((o) => o.name === "")) problems.push("Every output column needs a name.");
  for (const name of duplicates(outputs.map((o) => o.name))) problems.push(`Output column “${name}” is declared twice.`);
  const chart = draft.chart;
  if (chart !== null && (chart.x === "" || chart.y.length === 0)) problems.push("The chart needs an x column and at least one y column.");
  if (problems.length > 0) return { ok: false, problems };
  const template: TemplateInput = {
    template_id: templateId,
    name: draft.name.trim(),
    description: draft.description.trim(),
    category: draft.category.trim(),
    tags: splitList(draft.tagsText),
    sql: draft.sql,
    parameters: specs,
    // None declared is "not known", not "returns nothing".
    output_columns: outputs.length > 0 ? outputs : null,
    chart_config: chart === null ? null : chartConfigOf(chart),
  };
  if (draft.kind !== undefined) template.kind = draft.kind;
  // Left out on `src_local`, as Rust writes it, so a template read and saved unchanged stays the same.
  if (draft.kind !== "data_table" && draft.sourceId !== LOCAL_SOURCE) template.source_id = draft.sourceId;
  if (draft.version !== null) template.version = draft.version;
  return { ok: true, template };
}

/** The chart as Rust and the chart drawing (`lib/chart.ts`) take it. */
export function chartConfigOf(chart: ChartDraft): ChartConfig {
  return { kind: chart.kind, x: chart.x, y: [...chart.y], ...(chart.series === "" ? {} : { series: chart.series }) };
}

/**
 * The chart the draft would draw as it stands (what its test run shows), or null while it has
 * none or the chart lacks an x column or a y column (saving would refuse it then).
 */
export function draftChartConfig(chart: ChartDraft | null): ChartConfig | null {
  if (chart === null || chart.x === "" || chart.y.length === 0) return null;
  return chartConfigOf(chart);
}

/** A chart to start from: bars of the first column against the second, where there are two. */
export function startChart(columns: readonly string[]): ChartDraft {
  return { kind: "bar", x: columns[0] ?? "", y: columns.slice(1, 2), series: "" };
}

/** The columns a chart can use: the declared output columns, then any other the test run returned. */
export function chartColumns(outputs: readonly OutputDraft[], page: ResultPage | null): string[] {
  const names = [...outputs.map((o) => o.name.trim()), ...(page?.columns.map((c) => c.name) ?? [])];
  return [...new Set(names.filter(Boolean))];
}

/** The draft to save: named, under its id (a new one's made from its name, free of `taken`). */
export function templateToSave(draft: TemplateDraft, taken: ReadonlySet<string>): Built {
  const built = templateOf(draft, draft.templateId ?? templateIdFor(draft.name, taken));
  if (draft.name.trim() !== "") return built;
  return { ok: false, problems: ["The template needs a name.", ...(built.ok ? [] : built.problems)] };
}

/**
 * Just what `templateProblems` reads (the SQL and the parameters' names), so problems are
 * marked while a default or another field does not read yet.
 */
export function sqlCheckOf(draft: TemplateDraft): TemplateInput {
  return {
    template_id: draft.templateId ?? DRAFT_ID,
    name: draft.name,
    sql: draft.sql,
    parameters: draft.parameters.filter((p) => p.name.trim() !== "").map((p) => ({ name: p.name.trim(), type: p.type, list: p.list })),
    ...(draft.kind === undefined ? {} : { kind: draft.kind }),
  };
}
