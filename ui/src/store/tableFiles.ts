// Data table files on the Tables screen: the import wizard (a file, the columns read from it to
// adjust, then the import and what came of it) and exporting the open table's rows. Part of the
// tables slice (`tables.ts`), which hands it the open table, its tickets and the file dialogs.
import type { AppError, ExportFormat } from "../api";
import { columnDrafts } from "../lib/tableSchema";
import { importRequest, noImportChoices, withPath, type ImportChoices, type ImportRequest, type ImportRun } from "../lib/tableImport";
import type { TableContext } from "./tables";

export type TableExport =
  | { readonly status: "idle" }
  | { readonly status: "busy" }
  | { readonly status: "done"; readonly path: string; readonly rows: number }
  | { readonly status: "failed"; readonly error: AppError };

export type ImportWizard = {
  readonly choices: ImportChoices;
  /** Reading the chosen file's columns, or why they could not be read. */
  readonly inference: { readonly status: "idle" } | { readonly status: "reading" } | { readonly status: "failed"; readonly error: AppError };
  readonly run: ImportRun;
};

export const initialWizard: ImportWizard = { choices: noImportChoices, inference: { status: "idle" }, run: { status: "idle" } };

export type TableFileActions = {
  /** Asks where to save the open table's rows and writes them there in `format`. */
  readonly exportTable: (format: ExportFormat) => Promise<void>;
  readonly dismissTableExport: () => void;
  readonly startTableImport: () => void;
  /** The wizard's file changed: columns read from another file are dropped. */
  readonly setImportPath: (path: string) => void;
  readonly editImport: (patch: Partial<Omit<ImportChoices, "path">>) => void;
  /** Asks for a file with the native dialog, then reads its columns. */
  readonly browseImportFile: () => Promise<void>;
  /** Reads the columns a new table would get from the wizard's file, to show and adjust. */
  readonly inferImportColumns: () => Promise<void>;
  readonly runTableImport: () => Promise<void>;
  /** Runs the last import again as it was asked (after the file was fixed). */
  readonly retryTableImport: () => Promise<void>;
};

export function createTableFileActions({ set, api, dialogs, tables, patch, openName, paneTicket, refreshList, enter }: TableContext): TableFileActions {
  const patchWizard = (change: Partial<ImportWizard>) => {
    patch({ wizard: { ...tables().wizard, ...change } });
  };

  async function runImport(request: ImportRequest): Promise<void> {
    const ticket = paneTicket.current();
    patchWizard({ run: { status: "importing", request } });
    const outcome = await api.importTableFile(request.path, request.table, request.schema, request.skipInvalid);
    if (ticket !== paneTicket.current()) return;
    patchWizard({
      run:
        outcome.status === "ok"
          ? { status: "done", request, result: outcome.data }
          : { status: "failed", request, error: outcome.error },
    });
    await refreshList();
  }

  const actions: TableFileActions = {
    exportTable: async (format) => {
      const name = openName();
      if (name === null || tables().exported.status === "busy") return;
      const ticket = paneTicket.current();
      patch({ exported: { status: "busy" } });
      const picked = await dialogs.pickTableExportPath(name, format);
      if (ticket !== paneTicket.current()) return;
      if (picked.status === "error" || picked.data === null) {
        patch({ exported: picked.status === "error" ? { status: "failed", error: picked.error } : { status: "idle" } });
        return;
      }
      const path = picked.data;
      const outcome = await api.exportTableFile(name, format, path);
      if (ticket !== paneTicket.current()) return;
      patch({
        exported: outcome.status === "ok" ? { status: "done", path, rows: outcome.data } : { status: "failed", error: outcome.error },
      });
    },

    dismissTableExport: () => {
      patch({ exported: { status: "idle" } });
    },

    startTableImport: () => {
      enter({ kind: "import" }, { wizard: initialWizard });
    },

    setImportPath: (path) => {
      const { wizard } = tables();
      const choices = withPath(wizard.choices, path);
      if (choices !== wizard.choices) patchWizard({ choices, inference: { status: "idle" } });
    },

    editImport: (change) => {
      patchWizard({ choices: { ...tables().wizard.choices, ...change } });
    },

    browseImportFile: async () => {
      const picked = await dialogs.pickTableFile();
      if (picked.status === "error") {
        set({ notice: picked.error });
        return;
      }
      if (picked.data === null) return;
      actions.setImportPath(picked.data);
      await actions.inferImportColumns();
    },

    inferImportColumns: async () => {
      const { choices, inference } = tables().wizard;
      const path = choices.path.trim();
      if (path === "" || choices.columns !== null || inference.status === "reading") return;
      const ticket = paneTicket.current();
      patchWizard({ inference: { status: "reading" } });
      const outcome = await api.inferTableSchema(path);
      // The file may have changed while this one was read.
      if (ticket !== paneTicket.current() || tables().wizard.choices.path.trim() !== path) return;
      if (outcome.status === "error") {
        patchWizard({ inference: { status: "failed", error: outcome.error } });
        return;
      }
      patchWizard({ inference: { status: "idle" }, choices: { ...tables().wizard.choices, columns: columnDrafts(outcome.data) } });
    },

    runTableImport: async () => {
      const { run, choices } = tables().wizard;
      if (run.status === "importing") return;
      const request = importRequest(choices);
      if (!request.ok) {
        patchWizard({ run: { status: "invalid", problems: request.problems } });
        return;
      }
      await runImport(request.request);
    },

    retryTableImport: async () => {
      const { run } = tables().wizard;
      if (run.status === "failed") await runImport(run.request);
    },
  };
  return actions;
}
