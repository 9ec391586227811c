// The template library on the Templates screen: the list, the editor of a new or stored template
// (its SQL checked once typing pauses, a test run with sample values, its output columns from its
// source without running it, the tables its source has — read again when its source changes —,
// saving as the next version, the versions it has had), making a template active or not, and
// template packs in and out through the native dialogs. Answers for an editor the user has left,
// for SQL typed over since, or for a source picked over since, are dropped.
import type { AppError, OnConflict, PackOutcome, SqlProblem, TableShape, Template, TemplateDetail, TemplateTestRun } from "../api";
import type { ConflictChoice } from "../lib/importFlow";
import { DRAFT_ID, blankDraft, draftOf, draftSource, outputDrafts, sqlCheckOf, templateOf, templateToSave, type TemplateDraft } from "../lib/templateDraft";
import { TEST_RUN_LIMIT, sampleValues } from "../lib/templateSamples";
import { loadable, type Loadable } from "../lib/loadable";
import type { Dialogs, StoreAccess } from "./access";
import type { ScreenState } from "./screen";
import { invalidInput } from "../lib/errors";

/** How long typing must pause before the SQL's problems are asked for. */
export const CHECK_DEBOUNCE_MS = 250;

export type TemplateSave =
  | { readonly status: "idle" }
  | { readonly status: "saving" }
  /** `changed`: it became a new version (an unchanged template stays as it was). */
  | { readonly status: "saved"; readonly version: number; readonly changed: boolean }
  | { readonly status: "failed"; readonly error: AppError };

/** The SQL's problems as last checked, for exactly the SQL they were found in. */
export type SqlCheck =
  | { readonly status: "none" }
  | { readonly status: "ready"; readonly sql: string; readonly problems: readonly SqlProblem[] }
  | { readonly status: "failed"; readonly error: AppError };

export type TestRunState =
  | { readonly status: "idle" }
  | { readonly status: "running" }
  | { readonly status: "done"; readonly run: TemplateTestRun }
  | { readonly status: "failed"; readonly error: AppError };

/** Asking the template's source for its output columns without running it. */
export type DescribeState =
  | { readonly status: "idle" }
  | { readonly status: "describing" }
  /** `count`: the columns now declared. */
  | { readonly status: "done"; readonly count: number }
  | { readonly status: "failed"; readonly error: AppError };

export type TemplateEditor = {
  /** Which opening of the editor this is: the screen draws a fresh editor for each. */
  readonly session: number;
  /** The stored template (null: a new one, never saved). */
  readonly stored: TemplateDetail | null;
  readonly draft: TemplateDraft;
  readonly save: TemplateSave;
  readonly check: SqlCheck;
  /** Sample values typed for the test run, by parameter; an untouched one shows its default. */
  readonly samples: Readonly<Record<string, string>>;
  readonly testRun: TestRunState;
  /** Every version the template has had, newest first. */
  readonly versions: Loadable<Template[]>;
  /** The output columns as its source last described them. */
  readonly describe: DescribeState;
  /** The tables its source has, with their columns' types as a run reads them. */
  readonly tables: Loadable<TableShape[]>;
  /** The source `tables` were read from (they are read again when the draft's source changes). */
  readonly tablesSource: string;
};

/** Importing or exporting a template pack: the dialog, the command, then what came of it. */
export type PackState =
  | { readonly status: "idle" }
  | { readonly status: "busy" }
  | { readonly status: "conflict"; readonly path: string; readonly message: string }
  | { readonly status: "imported"; readonly outcome: PackOutcome }
  | { readonly status: "exported"; readonly path: string; readonly count: number | null }
  | { readonly status: "failed"; readonly error: AppError };

export type TemplateLibraryState = {
  readonly list: Loadable<TemplateDetail[]>;
  readonly editor: TemplateEditor | null;
  readonly pack: PackState;
};

export type TemplateActions = {
  /** Shows the Templates screen and lists the templates. */
  readonly openTemplates: () => Promise<void>;
  /** Opens a listed template in the editor, with its versions. */
  readonly showTemplate: (id: string) => Promise<void>;
  readonly startNewTemplate: () => void;
  readonly closeTemplateEditor: () => void;
  /** Changes the editor's draft; a change to the SQL or parameters is checked once typing pauses. */
  readonly editTemplateDraft: (change: (draft: TemplateDraft) => TemplateDraft) => void;
  /** Saves the draft: a new template, or the stored one's next version when it changed. */
  readonly saveTemplate: () => Promise<void>;
  readonly setTemplateActive: (id: string, active: boolean) => Promise<void>;
  readonly setSampleValue: (parameter: string, text: string) => void;
  /** Runs the draft alone with the sample values, keeping its first TEST_RUN_LIMIT rows. */
  readonly testRunTemplate: () => Promise<void>;
  /** Reads again the tables the SQL can read (after a data file changed). */
  readonly refreshReadableTables: () => Promise<void>;
  /** Declares the last test run's columns as the draft's output columns. */
  readonly inferOutputColumns: () => void;
  /** Declares the columns the draft's source says its SQL returns, without running it. */
  readonly describeOutputColumns: () => Promise<void>;
  /** Asks for a template pack and imports it; a conflict waits for `resolvePackConflict`. */
  readonly importTemplatePack: () => Promise<void>;
  readonly resolvePackConflict: (choice: ConflictChoice) => Promise<void>;
  /** Asks where to write templates `ids` (every one when empty) as a pack, and writes it. */
  readonly exportTemplatePack: (ids: readonly string[]) => Promise<void>;
  /** Closes the pack's conflict question or its notice. */
  readonly dismissPack: () => void;
};

export const initialTemplateLibrary: TemplateLibraryState = { list: { status: "loading" }, editor: null, pack: { status: "idle" } };

function refused(problems: readonly string[]): AppError {
  return invalidInput(problems.join(" "), problems);
}

type EditorOpening = Omit<TemplateEditor, "session">;

function editorOn(stored: TemplateDetail | null): EditorOpening {
  return {
    stored,
    draft: stored === null ? blankDraft : draftOf(stored.template),
    save: { status: "idle" },
    check: { status: "none" },
    samples: {},
    testRun: { status: "idle" },
    describe: { status: "idle" },
    versions: stored === null ? { status: "ready", data: [] } : { status: "loading" },
    tables: { status: "loading" },
    tablesSource: draftSource(stored === null ? blankDraft : draftOf(stored.template)),
  };
}

type Shared = StoreAccess<{ readonly templateLibrary: TemplateLibraryState } & ScreenState> & {
  readonly dialogs: Dialogs;
};

export function createTemplateActions({ set, get, api, dialogs }: Shared): TemplateActions {
  // Each changes when a newer request makes the answers to older ones stale.
  let editorTicket = 0;
  let checkTicket = 0;
  let tablesTicket = 0;
  let describeTicket = 0;
  let checkTimer: ReturnType<typeof setTimeout> | undefined;

  const library = () => get().templateLibrary;
  const patch = (change: Partial<TemplateLibraryState>) => {
    set({ templateLibrary: { ...library(), ...change } });
  };
  /** Changes the open editor, if it is still the one `ticket` was taken for. */
  const patchEditor = (ticket: number, change: Partial<TemplateEditor>) => {
    const { editor } = library();
    if (editor !== null && ticket === editorTicket) patch({ editor: { ...editor, ...change } });
  };

  async function refreshList(): Promise<void> {
    const outcome = await api.listTemplates();
    if (outcome.status === "ok" || library().list.status !== "ready") patch({ list: loadable(outcome) });
  }

  async function loadVersions(id: string, ticket: number): Promise<void> {
    patchEditor(ticket, { versions: loadable(await api.templateVersions(id)) });
  }

  async function checkSql(ticket: number): Promise<void> {
    const draft = library().editor?.draft;
    if (draft === undefined || ticket !== checkTicket) return;
    const outcome = await api.templateProblems(sqlCheckOf(draft));
    if (ticket !== checkTicket) return;
    const found: SqlCheck =
      outcome.status === "ok" ? { status: "ready", sql: draft.sql, problems: outcome.data } : { status: "failed", error: outcome.error };
    patchEditor(editorTicket, { check: found });
  }

  /** Shows `editor` (or closes it: null), dropping what the one before asked for; checks its SQL at once. */
  function openEditor(editor: EditorOpening | null): number {
    const ticket = ++editorTicket;
    checkTicket++;
    clearTimeout(checkTimer);
    patch({ editor: editor === null ? null : { ...editor, session: ticket } });
    if (editor !== null) {
      void checkSql(checkTicket);
      void loadTables(ticket);
    }
    return ticket;
  }

  /** Reads the tables of the open editor's source; an answer for a source picked over since is dropped. */
  async function loadTables(ticket: number): Promise<void> {
    const source = library().editor?.tablesSource;
    if (source === undefined) return;
    const asked = ++tablesTicket;
    const outcome = await api.readableTables(source);
    if (asked === tablesTicket) patchEditor(ticket, { tables: loadable(outcome) });
  }

  function replaceListed(detail: TemplateDetail): void {
    const { list } = library();
    if (list.status !== "ready") return;
    const known = list.data.some((t) => t.template.template_id === detail.template.template_id);
    const data = known ? list.data.map((t) => (t.template.template_id === detail.template.template_id ? detail : t)) : [...list.data, detail];
    patch({ list: { status: "ready", data } });
  }

  async function importPack(path: string, choice: OnConflict): Promise<void> {
    patch({ pack: { status: "busy" } });
    const outcome = await api.importTemplatePack(path, choice);
    if (outcome.status === "error") {
      const conflict = outcome.error.code === "conflict" && choice === "fail";
      patch({ pack: conflict ? { status: "conflict", path, message: outcome.error.message } : { status: "failed", error: outcome.error } });
      return;
    }
    patch({ pack: { status: "imported", outcome: outcome.data } });
    await refreshList();
  }

  return {
    openTemplates: async () => {
      openEditor(null);
      set({ route: { screen: "templates" }, notice: null });
      patch({ pack: { status: "idle" } });
      if (library().list.status !== "ready") patch({ list: { status: "loading" } });
      await refreshList();
    },

    showTemplate: async (id) => {
      const { list } = library();
      const stored = list.status === "ready" ? list.data.find((t) => t.template.template_id === id) : undefined;
      if (stored === undefined) return;
      await loadVersions(id, openEditor(editorOn(stored)));
    },

    startNewTemplate: () => {
      openEditor(editorOn(null));
    },

    closeTemplateEditor: () => {
      openEditor(null);
    },

    editTemplateDraft: (change) => {
      const { editor } = library();
      if (editor === null) return;
      const draft = change(editor.draft);
      if (draft === editor.draft) return;
      const source = draftSource(draft);
      const moved = source !== editor.tablesSource;
      patch({
        editor: {
          ...editor,
          draft,
          save: editor.save.status === "saving" ? editor.save : { status: "idle" },
          ...(moved ? { tables: { status: "loading" }, tablesSource: source, describe: { status: "idle" } } : {}),
        },
      });
      if (moved) {
        describeTicket++;
        void loadTables(editorTicket);
      }
      if (draft.sql === editor.draft.sql && draft.parameters === editor.draft.parameters) return;
      clearTimeout(checkTimer);
      const ticket = ++checkTicket;
      checkTimer = setTimeout(() => void checkSql(ticket), CHECK_DEBOUNCE_MS);
    },

    saveTemplate: async () => {
      const { editor, list } = library();
      if (editor === null || editor.save.status === "saving") return;
      const taken = new Set(list.status === "ready" ? list.data.map((t) => t.template.template_id) : []);
      const built = templateToSave(editor.draft, taken);
      const ticket = editorTicket;
      if (!built.ok) {
        patchEditor(ticket, { save: { status: "failed", error: refused(built.problems) } });
        return;
      }
      patchEditor(ticket, { save: { status: "saving" } });
      const outcome = await api.saveTemplate(built.template);
      if (outcome.status === "error") {
        patchEditor(ticket, { save: { status: "failed", error: outcome.error } });
        return;
      }
      const saved = outcome.data;
      replaceListed(saved);
      const now = library().editor;
      if (now === null || ticket !== editorTicket) return;
      const { version } = saved.template;
      patchEditor(ticket, {
        stored: saved,
        draft: { ...now.draft, templateId: saved.template.template_id, version },
        save: { status: "saved", version, changed: editor.stored?.template.version !== version },
      });
      await loadVersions(saved.template.template_id, ticket);
    },

    setTemplateActive: async (id, active) => {
      const outcome = await api.setTemplateActive(id, active);
      if (outcome.status === "error") {
        set({ notice: outcome.error });
        return;
      }
      const { list, editor } = library();
      const listed = list.status === "ready" ? list.data.find((t) => t.template.template_id === id) : undefined;
      if (listed !== undefined) replaceListed({ ...listed, is_active: active });
      if (editor?.stored?.template.template_id === id) patchEditor(editorTicket, { stored: { ...editor.stored, is_active: active } });
    },

    setSampleValue: (parameter, text) => {
      const { editor } = library();
      if (editor !== null) patchEditor(editorTicket, { samples: { ...editor.samples, [parameter]: text } });
    },

    testRunTemplate: async () => {
      const { editor } = library();
      if (editor === null || editor.testRun.status === "running") return;
      const built = templateOf(editor.draft, editor.draft.templateId ?? DRAFT_ID);
      const samples = sampleValues(editor.draft.parameters, editor.samples);
      const ticket = editorTicket;
      if (!built.ok || !samples.ok) {
        const problems = [...(built.ok ? [] : built.problems), ...(samples.ok ? [] : samples.problems)];
        patchEditor(ticket, { testRun: { status: "failed", error: refused(problems) } });
        return;
      }
      patchEditor(ticket, { testRun: { status: "running" } });
      const outcome = await api.testRunTemplate(built.template, samples.values, TEST_RUN_LIMIT);
      patchEditor(ticket, {
        testRun: outcome.status === "ok" ? { status: "done", run: outcome.data } : { status: "failed", error: outcome.error },
      });
    },

    refreshReadableTables: async () => {
      if (library().editor === null) return;
      const ticket = editorTicket;
      patchEditor(ticket, { tables: { status: "loading" } });
      await loadTables(ticket);
    },

    inferOutputColumns: () => {
      const { editor } = library();
      if (editor?.testRun.status !== "done") return;
      const outputs = outputDrafts(editor.testRun.run.output_columns);
      patchEditor(editorTicket, { draft: { ...editor.draft, outputs }, save: { status: "idle" } });
    },

    describeOutputColumns: async () => {
      const { editor } = library();
      if (editor === null || editor.describe.status === "describing") return;
      const built = templateOf({ ...editor.draft, outputs: [] }, editor.draft.templateId ?? DRAFT_ID);
      const samples = sampleValues(editor.draft.parameters, editor.samples);
      const ticket = editorTicket;
      if (!built.ok || !samples.ok) {
        const problems = [...(built.ok ? [] : built.problems), ...(samples.ok ? [] : samples.problems)];
        patchEditor(ticket, { describe: { status: "failed", error: refused(problems) } });
        return;
      }
      const asked = ++describeTicket;
      patchEditor(ticket, { describe: { status: "describing" } });
      const outcome = await api.templateOutputColumns(built.template, samples.values);
      const now = library().editor;
      if (now === null || ticket !== editorTicket || asked !== describeTicket) return;
      if (outcome.status === "error") {
        patchEditor(ticket, { describe: { status: "failed", error: outcome.error } });
        return;
      }
      const outputs = outputDrafts(outcome.data);
      patchEditor(ticket, { draft: { ...now.draft, outputs }, save: { status: "idle" }, describe: { status: "done", count: outputs.length } });
    },

    importTemplatePack: async () => {
      const { pack } = library();
      if (pack.status === "busy" || pack.status === "conflict") return;
      patch({ pack: { status: "busy" } });
      const picked = await dialogs.pickTemplatePack();
      if (picked.status === "error") {
        patch({ pack: { status: "failed", error: picked.error } });
        return;
      }
      if (picked.data === null) {
        patch({ pack: { status: "idle" } });
        return;
      }
      await importPack(picked.data, "fail");
    },

    resolvePackConflict: async (choice) => {
      const { pack } = library();
      if (pack.status === "conflict") await importPack(pack.path, choice);
    },

    exportTemplatePack: async (ids) => {
      const { pack } = library();
      if (pack.status === "busy" || pack.status === "conflict") return;
      patch({ pack: { status: "busy" } });
      const picked = await dialogs.pickTemplatePackPath(ids.length === 1 ? (ids[0] ?? "templates") : "templates");
      if (picked.status === "error" || picked.data === null) {
        patch({ pack: picked.status === "error" ? { status: "failed", error: picked.error } : { status: "idle" } });
        return;
      }
      const path = picked.data;
      const outcome = await api.exportTemplatePack([...ids], path);
      patch({
        pack: outcome.status === "ok" ? { status: "exported", path, count: ids.length === 0 ? null : ids.length } : { status: "failed", error: outcome.error },
      });
    },

    dismissPack: () => {
      if (library().pack.status !== "busy") patch({ pack: { status: "idle" } });
    },
  };
}
