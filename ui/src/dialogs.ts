// The native file dialogs, wrapped like `api`: each resolves to an Outcome and never throws.
// `null` means the user cancelled. Rust opens each dialog (`choose_file`) and accepts the path
// it answers only in the one command it was chosen for (src-tauri/src/files.rs): the page
// never names a file of its own. Tests hand the store their own dialogs.
import { commands, type FileUse } from "./bindings";
import { toAppError, type ExportFormat, type Outcome } from "./api";

/** The name the save dialog suggests for a flow: `<composition_id>.flow.json`. */
export function flowFileName(compositionId: string): string {
  return `${compositionId}.flow.json`;
}

async function choose(purpose: FileUse, suggestedName: string | null = null): Promise<Outcome<string | null>> {
  try {
    const outcome = await commands.chooseFile(purpose, suggestedName);
    if (outcome.status === "ok") return outcome;
    const error = toAppError(outcome.error);
    return { status: "error", error: { ...error, message: `The file dialog could not be opened: ${error.message}` } };
  } catch (err) {
    const error = toAppError(err);
    return { status: "error", error: { ...error, message: `The file dialog could not be opened: ${error.message}` } };
  }
}

export const dialogs = {
  /** Asks for one flow file to import. */
  pickFlowFile: (): Promise<Outcome<string | null>> => choose("import_flow"),
  /** Asks where to write a node's result, suggesting `name` (its extension is the format's). */
  pickResultPath: (name: string): Promise<Outcome<string | null>> => choose("export_result", name),
  /** Asks for one data file (CSV, JSON, JSON Lines, Parquet) to import into a table. */
  pickTableFile: (): Promise<Outcome<string | null>> => choose("import_table"),
  /** Asks where to write a table's rows, suggesting `<table>.<format>`. */
  pickTableExportPath: (table: string, format: ExportFormat): Promise<Outcome<string | null>> =>
    choose("export_table", `${table}.${format}`),
  /** Asks for one template pack (`*.templates.json`) to import. */
  pickTemplatePack: (): Promise<Outcome<string | null>> => choose("import_templates"),
  /** Asks where to write a template pack, suggesting `<name>.templates.json`. */
  pickTemplatePackPath: (name: string): Promise<Outcome<string | null>> => choose("export_templates", `${name}.templates.json`),
  /** Asks where to write a flow, suggesting `<composition_id>.flow.json`. */
  pickExportPath: (compositionId: string): Promise<Outcome<string | null>> => choose("export_flow", flowFileName(compositionId)),
};
