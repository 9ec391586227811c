// The native file dialogs (Tauri's dialog plugin), wrapped like `api`: each resolves to an
// Outcome and never throws. `null` means the user cancelled. Tests hand the store their own.
import { open, save } from "@tauri-apps/plugin-dialog";
import { toAppError, type ExportFormat, type Outcome } from "./api";
import { TABLE_FILE_EXTENSIONS } from "./lib/tableImport";

export const FLOW_FILE_FILTERS = [{ name: "Flowloom flow", extensions: ["json"] }];

/** The dialogs' titles (the end-to-end tests find the dialogs by them). */
export const DIALOG_TITLES = {
  importFlow: "Import a flow",
  exportFlow: "Export the flow",
  exportResult: "Export the result",
  importTable: "Import a data file",
  exportTable: "Export the table",
  importTemplates: "Import a template pack",
  exportTemplates: "Export templates",
} as const;

const TEMPLATE_PACK_FILTERS = [{ name: "Flowloom template pack", extensions: ["json"] }];

/** The name the save dialog suggests for a flow: `<composition_id>.flow.json`. */
export function flowFileName(compositionId: string): string {
  return `${compositionId}.flow.json`;
}

async function guard(call: () => Promise<string | null>): Promise<Outcome<string | null>> {
  try {
    return { status: "ok", data: await call() };
  } catch (err) {
    const error = toAppError(err);
    return { status: "error", error: { ...error, message: `The file dialog could not be opened: ${error.message}` } };
  }
}

export const dialogs = {
  /** Asks for one flow file to import. */
  pickFlowFile: (): Promise<Outcome<string | null>> =>
    guard(() => open({ title: DIALOG_TITLES.importFlow, multiple: false, directory: false, filters: FLOW_FILE_FILTERS })),
  /** Asks where to write a node's result, suggesting `name` in the format's extension. */
  pickResultPath: (name: string, extension: string): Promise<Outcome<string | null>> =>
    guard(() =>
      save({
        title: DIALOG_TITLES.exportResult,
        defaultPath: name,
        filters: [{ name: `${extension.toUpperCase()} file`, extensions: [extension] }],
      }),
    ),
  /** Asks for one data file (CSV, JSON, JSON Lines, Parquet) to import into a table. */
  pickTableFile: (): Promise<Outcome<string | null>> =>
    guard(() =>
      open({
        title: DIALOG_TITLES.importTable,
        multiple: false,
        directory: false,
        filters: [{ name: "Data file", extensions: [...TABLE_FILE_EXTENSIONS] }],
      }),
    ),
  /** Asks where to write a table's rows, suggesting `<table>.<format>`. */
  pickTableExportPath: (table: string, format: ExportFormat): Promise<Outcome<string | null>> =>
    guard(() =>
      save({
        title: DIALOG_TITLES.exportTable,
        defaultPath: `${table}.${format}`,
        filters: [{ name: `${format.toUpperCase()} file`, extensions: [format] }],
      }),
    ),
  /** Asks for one template pack (`*.templates.json`) to import. */
  pickTemplatePack: (): Promise<Outcome<string | null>> =>
    guard(() => open({ title: DIALOG_TITLES.importTemplates, multiple: false, directory: false, filters: TEMPLATE_PACK_FILTERS })),
  /** Asks where to write a template pack, suggesting `<name>.templates.json`. */
  pickTemplatePackPath: (name: string): Promise<Outcome<string | null>> =>
    guard(() => save({ title: DIALOG_TITLES.exportTemplates, defaultPath: `${name}.templates.json`, filters: TEMPLATE_PACK_FILTERS })),
  /** Asks where to write a flow, suggesting `<composition_id>.flow.json`. */
  pickExportPath: (compositionId: string): Promise<Outcome<string | null>> =>
    guard(() => save({ title: DIALOG_TITLES.exportFlow, defaultPath: flowFileName(compositionId), filters: FLOW_FILE_FILTERS })),
};
