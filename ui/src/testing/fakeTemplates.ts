// The template part of the fake backend: templates in memory that save like the real store (a
// change is the next version, an unchanged one stays), keep every version, mark `{{names}}` no
// parameter declares, test-run to a fixed page, describe a template's columns by its source, list
// each source's tables (a source other than `src_local` and `src_sales` cannot be reached), and
// record the packs they were asked for.
import type { OutputColumn, Outcome, SqlProblem, TableShape, Template, TemplateDetail, TemplateInput } from "../api";
import type { Api } from "../store/access";
import { templates as seeded } from "./fixtures";

const ok = <T,>(data: T): Outcome<T> => ({ status: "ok", data });

/** A template as the real store keeps it: every field filled in. */
function stored(input: TemplateInput, version: number): Template {
  return {
    template_id: input.template_id,
    name: input.name,
    description: input.description ?? "",
    category: input.category ?? "",
    tags: input.tags ?? [],
    // Kept unless it is the workspace's own engine, as Rust writes it.
    ...(input.source_id === undefined || input.source_id === "src_local" ? {} : { source_id: input.source_id }),
    sql: input.sql,
    parameters: (input.parameters ?? []).map((p) => ({ ...p, required: p.required ?? false, default: p.default ?? undefined })),
    ...(input.output_columns == null ? {} : { output_columns: input.output_columns }),
    ...(input.chart_config == null ? {} : { chart_config: { ...input.chart_config, series: input.chart_config.series ?? undefined } }),
    version,
  };
}

/** The content that makes a version: everything but the version itself. */
const content = (template: Template) => JSON.stringify({ ...template, version: 0 });

/** Problems as `templateProblems` finds them: a placeholder no parameter declares, a parameter never used. */
function problemsOf(template: TemplateInput): SqlProblem[] {
  const declared = new Set((template.parameters ?? []).map((p) => p.name));
  const used = new Set<string>();
  const problems: SqlProblem[] = [];
  for (const m of template.sql.matchAll(/\{\{\s*(\w+)\s*\}\}/g)) {
    const name = m[1] ?? "";
    used.add(name);
    if (!declared.has(name)) problems.push({ from: m.index, to: m.index + m[0].length, error: true, message: `\`{{${name}}}\` names no declared parameter` });
  }
  for (const name of declared) {
    if (!used.has(name)) problems.push({ from: 0, to: 0, error: false, message: `parameter \`${name}\` is declared but the SQL never uses it` });
  }
  return problems;
}

/** The tables `src_local` has: two data files (one that cannot be read) and a data table. */
const localTables: TableShape[] = [
  {
    name: "flights",
    kind: "data_file",
    file: "flights.csv",
    columns: [
      { name: "carrier", type: "text" },
      { name: "arr_delay", type: "float" },
      { name: "flight_date", type: "date" },
    ],
    missing: ["", "NA", "N/A", "NULL", "\\N", "NaN"],
    problem: null,
  },
  { name: "broken", kind: "data_file", file: "broken.csv", columns: [], missing: ["", "NA"], problem: "line 3: 1 fields where the header has 2" },
  { name: "customers", kind: "data_table", file: null, columns: [{ name: "name", type: "text" }], missing: null, problem: null },
];

/** The tables the PostgreSQL source `src_sales` has: a table on its search path and a view elsewhere. */
const salesTables: TableShape[] = [
  {
    name: "orders",
    kind: "table",
    file: null,
    columns: [
      { name: "order_id", type: "text" },
      { name: "sales", type: "decimal(12,2)" },
    ],
    missing: null,
    problem: null,
  },
  { name: "reporting.spend", kind: "view", file: null, columns: [{ name: "spend", type: "decimal" }], missing: null, problem: null },
];

/** The template commands of the fake backend, over the fixtures' three templates. */
export function fakeTemplateApi() {
  const details = new Map<string, TemplateDetail>(seeded.map((t) => [t.template.template_id, t]));
  const history = new Map<string, Template[]>(seeded.map((t) => [t.template.template_id, [t.template]]));
  const saves: TemplateInput[] = [];
  const testRuns: Parameters<Api["testRunTemplate"]>[] = [];
  const describes: Parameters<Api["templateOutputColumns"]>[] = [];
  const packImports: Parameters<Api["importTemplatePack"]>[] = [];
  const packExports: Parameters<Api["exportTemplatePack"]>[] = [];

  const api: Pick<
    Api,
    | "listTemplates"
    | "saveTemplate"
    | "templateVersions"
    | "setTemplateActive"
    | "templateProblems"
    | "testRunTemplate"
    | "templateOutputColumns"
    | "readableTables"
    | "importTemplatePack"
    | "exportTemplatePack"
  > = {
    listTemplates: () => Promise.resolve(ok([...details.values()])),
    saveTemplate: (input) => {
      saves.push(input);
      const id = input.template_id;
      const before = details.get(id);
      const versions = history.get(id) ?? [];
      const next = stored(input, before === undefined ? 1 : before.template.version);
      if (before === undefined || content(next) !== content(before.template)) {
        const version = before === undefined ? 1 : before.template.version + 1;
        const saved = { ...next, version };
        details.set(id, { template: saved, usage_count: before?.usage_count ?? 0, is_active: before?.is_active ?? true });
        history.set(id, [saved, ...versions]);
      }
      const detail = details.get(id);
      return Promise.resolve(detail === undefined ? { status: "error", error: { code: "internal", message: "lost" } } : ok(detail));
    },
    templateVersions: (id) => {
      const versions = history.get(id);
      return Promise.resolve(versions === undefined ? { status: "error", error: { code: "not_found", message: `no template ${id}` } } : ok(versions));
    },
    setTemplateActive: (id, active) => {
      const detail = details.get(id);
      if (detail !== undefined) details.set(id, { ...detail, is_active: active });
      return Promise.resolve(ok(null));
    },
    templateProblems: (template) => Promise.resolve(ok(problemsOf(template))),
    testRunTemplate: (template, values, limit) => {
      testRuns.push([template, values, limit]);
      return Promise.resolve(
        ok({
          page: {
            columns: [
              { name: "campaign", data_type: "Utf8" },
              { name: "spend", data_type: "Float64" },
            ],
            rows: [
              { campaign: "Spring", spend: 120.5 },
              { campaign: "Summer", spend: 80 },
            ],
            offset: 0,
            total_rows: 2,
          },
          output_columns: [
            { name: "campaign", type: "string" },
            { name: "spend", type: "decimal" },
          ],
          sql: template.sql.replaceAll(/\{\{\s*(\w+)\s*\}\}/g, "$$$1"),
        }),
      );
    },
    templateOutputColumns: (template, values) => {
      describes.push([template, values]);
      if (/\bnope\b/.test(template.sql)) {
        return Promise.resolve({ status: "error", error: { code: "invalid_input", message: 'column "nope" does not exist (SQLSTATE 42703) at character 8 of the template\'s SQL' } });
      }
      if (template.source_id === "src_down") {
        return Promise.resolve({ status: "error", error: { code: "source_unavailable", message: "PostgreSQL server down.internal:5432: cannot connect: connection refused" } });
      }
      const columns: OutputColumn[] =
        template.source_id === "src_sales"
          ? [
              { name: "order_id", type: "string" },
              { name: "day", type: "date" },
              { name: "sales", type: "decimal" },
            ]
          : [
              { name: "campaign", type: "string" },
              { name: "spend", type: "decimal" },
            ];
      return Promise.resolve(ok(columns));
    },
    readableTables: (source) => {
      if (source === "src_sales") return Promise.resolve(ok(salesTables));
      if (source !== "src_local") {
        return Promise.resolve({ status: "error", error: { code: "source_unavailable", message: `data source \`${source}\`: cannot connect: connection refused` } });
      }
      return Promise.resolve(ok(localTables));
    },
    importTemplatePack: (path, onConflict) => {
      packImports.push([path, onConflict]);
      return Promise.resolve(ok({ templates: [["tpl_top_campaigns", { fate: "reused" }]] }));
    },
    exportTemplatePack: (ids, path) => {
      packExports.push([ids, path]);
      return Promise.resolve(ok(null));
    },
  };
  return { api, saves, testRuns, describes, packImports, packExports };
}
