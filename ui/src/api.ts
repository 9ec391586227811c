// The UI's one door to Rust: the generated `commands`, wrapped so that every call resolves to a
// Result and never throws (outside Tauri, or if the backend fails oddly, it is an `internal` error).
// It also names the wire types the UI works with: what Rust sends is the `_Serialize` shape of
// each type in bindings.ts, what it accepts the `_Deserialize` one.
import {
  commands,
  type AppError_Serialize,
  type ChartConfig_Serialize,
  type ColumnType,
  type Column_Deserialize,
  type Column_Serialize,
  type FileImport_Serialize,
  type FilterOp,
  type OnDelete_Serialize,
  type RowFilter_Deserialize,
  type RowProblem,
  type RowSort_Deserialize,
  type RowsPage,
  type RowsQuery_Deserialize,
  type SchemaChange_Serialize,
  type SchemaProblem_Serialize,
  type TableDetail_Serialize,
  type TableSchema_Deserialize,
  type TableSchema_Serialize,
  type TableSummary,
  type TableVersion_Serialize,
  type Composition_Serialize,
  type Connection_Serialize,
  type CronPreview,
  type Diagnostic_Serialize,
  type Fired,
  type FiredOutcome,
  type FlowChange,
  type FlowDetail_Serialize,
  type FlowMeta_Serialize,
  type FlowQuery_Deserialize,
  type FlowSummary_Serialize,
  type FlowVersion_Serialize,
  type Flow_Deserialize,
  type Flow_Serialize,
  type GlobalParameter_Serialize,
  type ImportOutcome_Serialize,
  type Missed,
  type NodeStatus,
  type RunEvent_Serialize,
  type RunProgress_Serialize,
  type RunActivity_Serialize,
  type ActiveRun_Serialize,
  type RunRequest_Deserialize,
  type RunDetail_Serialize,
  type NodeRecord_Serialize,
  type ResultPage,
  type Format,
  type RunStatus,
  type RunSummary_Serialize,
  type RunOutcome_Serialize,
  type SavedFlow_Serialize,
  type Node_Serialize,
  type OnConflict,
  type OverlapPolicy,
  type ParamSpec_Serialize,
  type ScalarType,
  type ScheduleSpec_Deserialize,
  type ScheduleTrigger,
  type Schedule_Serialize,
  type Severity,
  type TemplateDetail_Serialize,
  type TemplateFate,
  type Template_Serialize,
  type Value,
  type WorkspaceInfo,
  type ChartKind,
  type GalleryFlow,
  type OutputColumn,
  type PackOutcome,
  type SqlProblem,
  type TemplateTestRun,
  type TableShape_Serialize,
  type ColumnShape,
  type Template_Deserialize,
  type ShadowedGlobal,
  type DataSource_Deserialize,
  type DataSource_Serialize,
  type SourceCheck,
  type SourceDetail_Serialize,
  type SslMode,
} from "./bindings";

export type AppError = AppError_Serialize;
export type ChartConfig = ChartConfig_Serialize;
export type Composition = Composition_Serialize;
export type Connection = Connection_Serialize;
export type Diagnostic = Diagnostic_Serialize;
export type DiagnosticCode = Diagnostic_Serialize["code"];
export type FlowDetail = FlowDetail_Serialize;
export type FlowMeta = FlowMeta_Serialize;
export type FlowQuery = FlowQuery_Deserialize;
export type FlowSummary = FlowSummary_Serialize;
/** A version in a flow's history, newest first, with what changed in it. */
export type FlowVersion = FlowVersion_Serialize;
export type { FlowChange };
/** A flow as Rust sends it, and as the editor changes it. */
export type Flow = Flow_Serialize;
/** A flow as sent to Rust to be checked (a loaded `FlowDetail["flow"]` is one). */
export type FlowInput = Flow_Deserialize;
export type GlobalParameter = GlobalParameter_Serialize;
export type FlowNode = Node_Serialize;
export type ImportOutcome = ImportOutcome_Serialize;
export type ParamSpec = ParamSpec_Serialize;
export type Template = Template_Serialize;
export type TemplateDetail = TemplateDetail_Serialize;
export type JsonValue = Value;
export type RunEvent = RunEvent_Serialize;
export type RunProgress = RunProgress_Serialize;
export type RunActivity = RunActivity_Serialize;
export type ActiveRun = ActiveRun_Serialize;
export type RunRequest = RunRequest_Deserialize;
export type RunDetail = RunDetail_Serialize;
export type NodeRecord = NodeRecord_Serialize;
export type { ResultPage };
/** How a result or a data table is written out. */
export type ExportFormat = Format;
export type RunSummary = RunSummary_Serialize;
export type RunOutcome = RunOutcome_Serialize;
export type SavedFlow = SavedFlow_Serialize;
/** Where a global parameter does not reach a node: its own value or a mapped column wins. */
export type { ShadowedGlobal };
export type { NodeStatus, OnConflict, RunStatus, ScalarType, Severity, TemplateFate, WorkspaceInfo };
/** A data table's column as Rust sends it (rules and flags left out when unset). */
export type Column = Column_Serialize;
/** A column as sent to Rust in a schema to create or change a table. */
export type ColumnInput = Column_Deserialize;
export type FileImport = FileImport_Serialize;
export type OnDelete = OnDelete_Serialize;
export type RowFilter = RowFilter_Deserialize;
export type RowSort = RowSort_Deserialize;
export type RowsQuery = RowsQuery_Deserialize;
export type SchemaChange = SchemaChange_Serialize;
export type SchemaProblem = SchemaProblem_Serialize;
export type TableDetail = TableDetail_Serialize;
export type TableSchema = TableSchema_Serialize;
export type TableSchemaInput = TableSchema_Deserialize;
export type TableVersion = TableVersion_Serialize;
/** A row of a data table: its values by column, and its `_id`. */
export type TableRow = RowsPage["rows"][number];
export type { ColumnType, FilterOp, RowProblem, RowsPage, TableSummary };
/** A stored schedule: its definition with when it ran, how, and when it runs next. */
export type Schedule = Schedule_Serialize;
/** A schedule's definition as sent to Rust to create or replace one. */
export type ScheduleInput = ScheduleSpec_Deserialize;
export type { CronPreview, Fired, FiredOutcome, Missed, OverlapPolicy, ScheduleTrigger };
/** A template as sent to Rust to be saved, checked or test-run. */
export type TemplateInput = Template_Deserialize;
/** A whole flow in the gallery, to start a flow of one's own from. */
export type { GalleryFlow };
export type { ChartKind, OutputColumn, PackOutcome, SqlProblem, TemplateTestRun };
/** A table template SQL can read (a data file or a data table) with its columns as the engine reads them. */
export type TableShape = TableShape_Serialize;
export type { ColumnShape };
/** A data source as Rust sends it: its id, name, and how to reach it (never a password). */
export type DataSource = DataSource_Serialize;
/** A data source as sent to Rust to be added, changed or tested. */
export type SourceInput = DataSource_Deserialize;
/** A data source with how many templates run on it. */
export type SourceDetail = SourceDetail_Serialize;
export type { SourceCheck, SslMode };

export type Outcome<T> = { status: "ok"; data: T } | { status: "error"; error: AppError };

/** Whatever a command rejected with, as an AppError the screens can show. */
export function toAppError(err: unknown): AppError {
  if (typeof err === "object" && err !== null && "code" in err && "message" in err) {
    const { code, message } = err;
    if (typeof code === "string" && typeof message === "string") return err as AppError;
  }
  const message =
    err instanceof Error ? err.message : typeof err === "string" && err !== "" ? err : "The app could not reach its backend.";
  return { code: "internal", message };
}

async function guard<T>(call: () => Promise<{ status: "ok"; data: T } | { status: "error"; error: unknown }>): Promise<Outcome<T>> {
  try {
    const outcome = await call();
    return outcome.status === "ok" ? outcome : { status: "error", error: toAppError(outcome.error) };
  } catch (err) {
    return { status: "error", error: toAppError(err) };
  }
}

export const api = {
  workspaceInfo: (): Promise<Outcome<WorkspaceInfo>> =>
    guard(async () => ({ status: "ok", data: await commands.workspaceInfo() })),
  listFlows: (query: FlowQuery): Promise<Outcome<FlowSummary[]>> => guard(() => commands.listFlows(query)),
  getFlow: (compositionId: string): Promise<Outcome<FlowDetail>> => guard(() => commands.getFlow(compositionId)),
  listTemplates: (): Promise<Outcome<TemplateDetail[]>> => guard(() => commands.listTemplates()),
  setFavorite: (compositionId: string, favorite: boolean): Promise<Outcome<null>> =>
    guard(() => commands.setFavorite(compositionId, favorite)),
  validateFlow: (flow: FlowInput): Promise<Outcome<Diagnostic[]>> => guard(() => commands.validateFlow(flow)),
  /** Stores the flow (a new version when it changed) and answers with its version and problems. */
  saveFlow: (flow: FlowInput): Promise<Outcome<SavedFlow>> => guard(() => commands.saveFlow(flow)),
  createFlow: (name: string): Promise<Outcome<FlowDetail>> => guard(() => commands.createFlow(name)),
  duplicateFlow: (compositionId: string, name: string): Promise<Outcome<FlowDetail>> =>
    guard(() => commands.duplicateFlow(compositionId, name)),
  deleteFlow: (compositionId: string): Promise<Outcome<null>> => guard(() => commands.deleteFlow(compositionId)),
  importFlowFile: (path: string, onConflict: OnConflict): Promise<Outcome<ImportOutcome>> =>
    guard(() => commands.importFlowFile(path, onConflict)),
  exportFlowFile: (compositionId: string, path: string): Promise<Outcome<null>> =>
    guard(() => commands.exportFlowFile(compositionId, path)),
  /** A flow's versions, newest first, each with what changed from the one before. */
  listVersions: (compositionId: string): Promise<Outcome<FlowVersion[]>> => guard(() => commands.listVersions(compositionId)),
  getVersion: (compositionId: string, version: number): Promise<Outcome<Flow>> =>
    guard(() => commands.getVersion(compositionId, version)),
  diffVersions: (compositionId: string, from: number, to: number): Promise<Outcome<FlowChange[]>> =>
    guard(() => commands.diffVersions(compositionId, from, to)),
  /** Makes the flow what `version` was, as a new version; answers with the flow now. */
  restoreVersion: (compositionId: string, version: number): Promise<Outcome<FlowDetail>> =>
    guard(() => commands.restoreVersion(compositionId, version)),
  /** Runs a stored flow; resolves when the run ends. Progress arrives as `runProgress` events. */
  shadowedGlobals: (flow: FlowInput): Promise<Outcome<ShadowedGlobal[]>> =>
    guard(async () => ({ status: "ok" as const, data: await commands.shadowedGlobals(flow) })),
  /**
   * Runs a stored flow, with the window's unsaved `edits` (saved and validated once, first);
   * resolves when the run ends, with the flow's history and bookkeeping.
   */
  runFlow: (compositionId: string, request: RunRequest, edits: FlowInput | null = null): Promise<Outcome<RunOutcome>> =>
    guard(() => commands.runFlow(compositionId, request, edits)),
  listRuns: (compositionId: string): Promise<Outcome<RunSummary[]>> => guard(() => commands.listRuns(compositionId)),
  getRun: (runId: number): Promise<Outcome<RunDetail>> => guard(() => commands.getRun(runId)),
  resultPage: (runId: number, nodeId: string, offset: number, limit: number): Promise<Outcome<ResultPage>> =>
    guard(() => commands.resultPage(runId, nodeId, offset, limit)),
  exportResult: (runId: number, nodeId: string, format: ExportFormat, path: string): Promise<Outcome<null>> =>
    guard(() => commands.exportResult(runId, nodeId, format, path)),
  cancelRun: (compositionId: string): Promise<Outcome<boolean>> =>
    guard(async () => ({ status: "ok", data: await commands.cancelRun(compositionId) })),
  /** The runs in progress in the app, the scheduler's included. */
  activeRuns: (): Promise<Outcome<ActiveRun[]>> => guard(async () => ({ status: "ok", data: await commands.activeRuns() })),
  listTables: (): Promise<Outcome<TableSummary[]>> => guard(() => commands.listTables()),
  getTable: (name: string): Promise<Outcome<TableDetail>> => guard(() => commands.getTable(name)),
  createTable: (name: string, displayName: string, schema: TableSchemaInput): Promise<Outcome<TableDetail>> =>
    guard(() => commands.createTable(name, displayName, schema)),
  /** Changes a table's columns (and its rows with them) as a new version. */
  alterTable: (name: string, schema: TableSchemaInput): Promise<Outcome<TableDetail>> =>
    guard(() => commands.alterTable(name, schema)),
  renameTable: (name: string, newName: string): Promise<Outcome<TableDetail>> => guard(() => commands.renameTable(name, newName)),
  dropTable: (name: string): Promise<Outcome<null>> => guard(() => commands.dropTable(name)),
  /** A table's schema versions, newest first. */
  tableHistory: (name: string): Promise<Outcome<TableVersion[]>> => guard(() => commands.tableHistory(name)),
  tableRows: (name: string, query: RowsQuery): Promise<Outcome<RowsPage>> => guard(() => commands.tableRows(name, query)),
  /** Adds one row; answers with its `_id`. */
  insertTableRow: (name: string, values: Record<string, JsonValue>): Promise<Outcome<number>> =>
    guard(() => commands.insertTableRow(name, values)),
  updateTableRow: (name: string, id: number, values: Record<string, JsonValue>): Promise<Outcome<null>> =>
    guard(() => commands.updateTableRow(name, id, values)),
  /** Deletes rows by `_id`; answers how many went. */
  deleteTableRows: (name: string, ids: number[]): Promise<Outcome<number>> => guard(() => commands.deleteTableRows(name, ids)),
  /** The columns and types a file would make as a table, before anything is written. */
  inferTableSchema: (path: string): Promise<Outcome<TableSchema>> => guard(() => commands.inferTableSchema(path)),
  /** Imports a file into `table`, making it (with `schema`, or the inferred one) when it does not exist. */
  importTableFile: (path: string, table: string, schema: TableSchemaInput | null, skipInvalid: boolean): Promise<Outcome<FileImport>> =>
    guard(() => commands.importTableFile(path, table, schema, skipInvalid)),
  /** Writes every row of a table to `path`; answers how many. */
  exportTableFile: (name: string, format: ExportFormat, path: string): Promise<Outcome<number>> =>
    guard(() => commands.exportTableFile(name, format, path)),
  listSchedules: (): Promise<Outcome<Schedule[]>> => guard(() => commands.listSchedules()),
  /** Stores a new schedule; a refused one is `invalid_input` with every problem in `problems`. */
  createSchedule: (spec: ScheduleInput): Promise<Outcome<Schedule>> => guard(() => commands.createSchedule(spec)),
  /** Replaces a schedule's definition (enabling or disabling it too), refused like `createSchedule`. */
  updateSchedule: (id: number, spec: ScheduleInput): Promise<Outcome<Schedule>> => guard(() => commands.updateSchedule(id, spec)),
  deleteSchedule: (id: number): Promise<Outcome<null>> => guard(() => commands.deleteSchedule(id)),
  /** Fires a schedule now; its run goes on in the background. */
  runScheduleNow: (id: number): Promise<Outcome<Fired>> => guard(() => commands.runScheduleNow(id)),
  /** A cron expression in words and its next run times (UTC); a bad one is `invalid_input`. */
  previewCron: (expression: string, timezone: string): Promise<Outcome<CronPreview>> =>
    guard(() => commands.previewCron(expression, timezone)),
  /** The cron runs missed while the app was closed, as found when it opened. */
  missedSchedules: (): Promise<Outcome<Missed[]>> => guard(async () => ({ status: "ok", data: await commands.missedSchedules() })),
  /** Stores a template as the editor has it: new as version 1, changed as its next version, unchanged as it is. */
  saveTemplate: (template: TemplateInput): Promise<Outcome<TemplateDetail>> => guard(() => commands.saveTemplate(template)),
  /** Every version a template has had, newest first. */
  templateVersions: (id: string): Promise<Outcome<Template[]>> => guard(() => commands.templateVersions(id)),
  setTemplateActive: (id: string, active: boolean): Promise<Outcome<null>> => guard(() => commands.setTemplateActive(id, active)),
  /** The problems of a template's SQL against its parameters, with where they are. */
  templateProblems: (template: TemplateInput): Promise<Outcome<SqlProblem[]>> =>
    guard(async () => ({ status: "ok", data: await commands.templateProblems(template) })),
  /** Runs a template alone with sample values (defaults fill the rest), keeping its first `limit` rows. */
  testRunTemplate: (template: TemplateInput, values: Record<string, JsonValue>, limit: number): Promise<Outcome<TemplateTestRun>> =>
    guard(() => commands.testRunTemplate(template, values, limit)),
  /** The output columns a template returns on its source, from the source's description of its SQL (nothing runs). */
  templateOutputColumns: (template: TemplateInput, values: Record<string, JsonValue>): Promise<Outcome<OutputColumn[]>> =>
    guard(() => commands.templateOutputColumns(template, values)),
  /** The tables a template on `source` can read, with their columns' types (a CSV file's inferred from every row). */
  readableTables: (source: string): Promise<Outcome<TableShape[]>> => guard(() => commands.readableTables(source)),
  importTemplatePack: (path: string, onConflict: OnConflict): Promise<Outcome<PackOutcome>> =>
    guard(() => commands.importTemplatePack(path, onConflict)),
  /** Writes templates `ids` (every one when empty) as a template pack at `path`. */
  exportTemplatePack: (ids: string[], path: string): Promise<Outcome<null>> => guard(() => commands.exportTemplatePack(ids, path)),
  /** The flow gallery: whole flows to start from. */
  listGallery: (): Promise<Outcome<GalleryFlow[]>> => guard(() => commands.listGallery()),
  /** Makes the user's own flow from a gallery flow; answers with it. */
  useGalleryFlow: (id: string): Promise<Outcome<FlowDetail>> => guard(() => commands.useGalleryFlow(id)),
  /** The workspace's data sources, `src_local` among them. */
  listSources: (): Promise<Outcome<SourceDetail[]>> => guard(() => commands.listSources()),
  /** Adds a source; `password`, when given, is kept in the OS keyring. */
  addSource: (source: SourceInput, password: string | null): Promise<Outcome<SourceDetail>> =>
    guard(() => commands.addSource(source, password)),
  /** Changes a source (its id and kind stay); `password`, when given, replaces the kept one. */
  updateSource: (source: SourceInput, password: string | null): Promise<Outcome<SourceDetail>> =>
    guard(() => commands.updateSource(source, password)),
  /** Removes a source; refused (`constraint`, naming them) while templates run on it. */
  removeSource: (id: string): Promise<Outcome<null>> => guard(() => commands.removeSource(id)),
  /** Connects to a source as the form holds it, saved or not; `source_unavailable` when it cannot. */
  testSource: (source: SourceInput, password: string | null): Promise<Outcome<SourceCheck>> =>
    guard(() => commands.testSource(source, password)),
};
