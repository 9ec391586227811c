// An in-memory backend and scripted file dialogs for the store's tests: the backend filters
// like the real one and records what it was asked.
import type {
  Diagnostic,
  FlowInput,
  FlowQuery,
  FlowSummary,
  NodeStatus,
  OnConflict,
  Outcome,
  RunRequest,
  RunSummary,
} from "../api";
import type { Api, Dialogs } from "../store/access";
import { fakeScheduleApi } from "./fakeSchedules";
import { fakeSourceApi } from "./fakeSources";
import { fakeTableApi } from "./fakeTables";
import { fakeVersionApi } from "./fakeVersions";
import { fakeGalleryApi } from "./fakeGallery";
import { fakeTemplateApi } from "./fakeTemplates";
import { deepDive, diagnostic, summary } from "./fixtures";

export const flows: FlowSummary[] = [
  summary("comp_low_ctr", "Low CTR review", ["ctr", "campaigns"]),
  summary("comp_deep_dive", "Top campaigns deep dive", ["campaigns", "products"]),
];

export const ok = <T,>(data: T): Outcome<T> => ({ status: "ok", data });
export const failed = (message: string): Outcome<never> => ({ status: "error", error: { code: "internal", message } });

export const problems: Diagnostic[] = [
  diagnostic("missing_parameter", { path: "/nodes/1", node_ids: ["trend"] }),
  diagnostic("empty_connection", { path: "/connections/1", connection_ids: ["top_to_orphan"] }),
];

/** How many rows the fake backend's kept result has. */
export const TOTAL_ROWS = 1234;

/** An in-memory backend: filters like the real one, records the queries it was asked. */
export function fakeApi(overrides: Partial<Api> = {}) {
  const queries: FlowQuery[] = [];
  const checked: FlowInput[] = [];
  const imports: [string, OnConflict][] = [];
  const exports: [string, string][] = [];
  const favourites = new Map<string, boolean>();
  const runs: RunSummary[] = [];
  const runRequests: RunRequest[] = [];
  const pages: [number, string, number][] = [];
  const resultExports: [number, string, string, string][] = [];
  const saved: FlowInput[] = [];
  const tables = fakeTableApi();
  const schedules = fakeScheduleApi();
  const versions = fakeVersionApi();
  const templateLibrary = fakeTemplateApi();
  const gallery = fakeGalleryApi();
  const sources = fakeSourceApi();
  const api: Api = {
    workspaceInfo: () => Promise.resolve(ok({ root: "/home/ana/flows", data_dir: "/home/ana/flows/.flowloom" })),
    listFlows: (query) => {
      queries.push(query);
      const text = query.text?.toLowerCase() ?? "";
      return Promise.resolve(
        ok(
          flows
            .map((f) => ({ ...f, meta: { ...f.meta, is_favorite: favourites.get(f.composition_id) ?? false } }))
            .filter((f) => f.name.toLowerCase().includes(text))
            .filter((f) => query.tag == null || f.tags.includes(query.tag))
            .filter((f) => !query.favorites_only || f.meta.is_favorite),
        ),
      );
    },
    getFlow: () => Promise.resolve(ok(deepDive)),
    setFavorite: (id, favorite) => {
      favourites.set(id, favorite);
      return Promise.resolve(ok(null));
    },
    validateFlow: (flow) => {
      checked.push(flow);
      return Promise.resolve(ok(problems));
    },
    saveFlow: (flow) => {
      saved.push(flow);
      return Promise.resolve(ok({ version: saved.length + 1, diagnostics: problems }));
    },
    createFlow: (name) =>
      Promise.resolve(ok({ ...deepDive, flow: { ...deepDive.flow, composition: { ...deepDive.flow.composition, name }, nodes: [], connections: [] } })),
    duplicateFlow: (_id, name) =>
      Promise.resolve(ok({ ...deepDive, flow: { ...deepDive.flow, composition: { ...deepDive.flow.composition, composition_id: "comp_copy", name } } })),
    deleteFlow: () => Promise.resolve(ok(null)),
    importFlowFile: (path, onConflict) => {
      imports.push([path, onConflict]);
      return Promise.resolve(ok({ composition_id: "comp_low_ctr", replaced_flow: false, templates: [], warnings: [] }));
    },
    exportFlowFile: (id, path) => {
      exports.push([id, path]);
      return Promise.resolve(ok(null));
    },
    shadowedGlobals: () => Promise.resolve(ok([])),
    runFlow: (id, request, edits) => {
      runRequests.push(request);
      if (edits != null) saved.push(edits);
      const savedEdits = edits == null ? null : { version: saved.length + 1, diagnostics: problems };
      const summary: RunSummary = {
        run_id: runs.length + 1,
        composition_id: id,
        version: 1,
        status: "COMPLETED" as const,
        trigger: "manual" as const,
        trigger_data: null,
        parameters: {},
        started_at: "2026-11-23T10:00:00Z",
        completed_at: "2026-11-23T10:00:01Z",
        error: null,
      };
      runs.unshift(summary);
      const meta = { ...deepDive.meta, execution_count: runs.length, last_executed_at: summary.completed_at };
      return Promise.resolve(ok({ run: summary, history: [...runs], meta, saved: savedEdits }));
    },
    listRuns: () => Promise.resolve(ok([...runs])),
    getRun: (runId) => {
      const summary = runs.find((r) => r.run_id === runId);
      if (!summary) return Promise.resolve({ status: "error", error: { code: "not_found", message: `no run ${runId}` } });
      const record = (node_id: string, status: NodeStatus, row_count: number | null) => ({
        node_id,
        status,
        parameters: {},
        sql: "SELECT 1",
        columns: [],
        row_count,
        duration_ms: 3,
        attempts: 1,
        result_location: status === "COMPLETED" ? `results/${runId}/${node_id}.parquet` : null,
        cache_key: null,
        from_cache: false,
        outcome: status === "COMPLETED" ? ("success" as const) : ("error" as const),
        table_write: null,
        error: status === "FAILED" ? "boom" : null,
      });
      return Promise.resolve(ok({ summary, nodes: [record("top", "COMPLETED", TOTAL_ROWS), record("trend", "FAILED", null)] }));
    },
    resultPage: (runId, nodeId, offset, limit) => {
      pages.push([runId, nodeId, offset]);
      const rows = Array.from({ length: Math.max(0, Math.min(limit, TOTAL_ROWS - offset)) }, (_, i) => ({ n: offset + i }));
      return Promise.resolve(ok({ columns: [{ name: "n", data_type: "Int64" }], rows, offset, total_rows: TOTAL_ROWS }));
    },
    exportResult: (runId, nodeId, format, path) => {
      resultExports.push([runId, nodeId, format, path]);
      return Promise.resolve(ok(null));
    },
    cancelRun: () => Promise.resolve(ok(true)),
    activeRuns: () => Promise.resolve(ok([])),
    ...tables.api,
    ...schedules.api,
    ...versions.api,
    ...templateLibrary.api,
    ...gallery.api,
    ...sources.api,
    ...overrides,
  };
  return {
    api,
    queries,
    checked,
    imports,
    exports,
    pages,
    resultExports,
    runRequests,
    saved,
    tableImports: tables.imports,
    tableExports: tables.exports,
    scheduleSpecs: schedules.specs,
    cronPreviews: schedules.previews,
    restores: versions.restores,
    templateSaves: templateLibrary.saves,
    testRuns: templateLibrary.testRuns,
    describes: templateLibrary.describes,
    packImports: templateLibrary.packImports,
    packExports: templateLibrary.packExports,
    galleryUsed: gallery.used,
    sourceCalls: sources.calls,
  };
}

/** File dialogs that answer with the given paths (null: the user cancelled), recording what they were asked. */
export function fakeDialogs(answer: Outcome<string | null> = ok("/home/ana/in.flow.json")) {
  const asked: string[] = [];
  const dialogs: Dialogs = {
    pickFlowFile: () => {
      asked.push("open");
      return Promise.resolve(answer);
    },
    pickExportPath: (flowId) => {
      asked.push(`save ${flowId}`);
      return Promise.resolve(answer);
    },
    pickResultPath: (name) => {
      asked.push(`save ${name}`);
      return Promise.resolve(answer);
    },
    pickTableFile: () => {
      asked.push("open table file");
      return Promise.resolve(answer);
    },
    pickTableExportPath: (table, format) => {
      asked.push(`save ${table}.${format}`);
      return Promise.resolve(answer);
    },
    pickTemplatePack: () => {
      asked.push("open template pack");
      return Promise.resolve(answer);
    },
    pickTemplatePackPath: (name) => {
      asked.push(`save ${name}.templates.json`);
      return Promise.resolve(answer);
    },
  };
  return { dialogs, asked };
}
