// Data sources on the Data sources screen: the list (also read by the template editor's source
// picker, the canvas's source badges and the palette's filter), the form adding or editing a
// PostgreSQL source, testing a connection without saving, and deleting. A password typed in
// the form goes to Rust beside the source, once, and is never kept in the store.
import type { AppError, SourceCheck, SourceDetail } from "../api";
import { loadable, type Loadable } from "../lib/loadable";
import { passwordOf, sourceIdFor, sourceOf, type SourceForm, type SourceProblem } from "../lib/sources";
import type { StoreAccess } from "./access";
import type { ScreenState } from "./screen";

/** The form, when open: on a new source or a stored one; `revision` moves on at each save, so the form starts afresh (its password blank). */
export type SourceEditor =
  | { readonly kind: "new"; readonly revision: number }
  | { readonly kind: "edit"; readonly source: SourceDetail; readonly revision: number };

export type SourceSave =
  | { readonly status: "idle" }
  | { readonly status: "saving" }
  | { readonly status: "saved" }
  | { readonly status: "invalid"; readonly problems: readonly SourceProblem[] }
  | { readonly status: "failed"; readonly error: AppError };

export type SourceTest =
  | { readonly status: "idle" }
  | { readonly status: "testing" }
  | { readonly status: "ready"; readonly check: SourceCheck }
  | { readonly status: "invalid"; readonly problems: readonly SourceProblem[] }
  | { readonly status: "failed"; readonly error: AppError };

export type SourcesState = {
  readonly list: Loadable<SourceDetail[]>;
  readonly editor: SourceEditor | null;
  readonly save: SourceSave;
  readonly test: SourceTest;
};

export type SourceActions = {
  /** Shows the Data sources screen with the sources listed afresh. */
  readonly openSources: () => Promise<void>;
  /** Reads the sources again (the template editor, the canvas and the palette show them too). */
  readonly loadSources: () => Promise<void>;
  readonly startNewSource: () => void;
  readonly editSource: (id: string) => void;
  readonly closeSourceEditor: () => void;
  /** Adds the form's source, or changes the one being edited; the form then shows it as saved. */
  readonly saveSource: (form: SourceForm) => Promise<void>;
  /** Connects to the source as the form holds it, without saving it. */
  readonly testSource: (form: SourceForm) => Promise<void>;
  /** Deletes a source (the screen asks first); Rust's refusal becomes the notice. */
  readonly removeSource: (id: string) => Promise<void>;
};

export const initialSources: SourcesState = {
  list: { status: "loading" },
  editor: null,
  save: { status: "idle" },
  test: { status: "idle" },
};

export function createSourceActions({ set, get, api }: StoreAccess<{ readonly sources: SourcesState } & ScreenState>): SourceActions {
  // Moves on whenever the form opens on something else: answers for the one before are dropped.
  let editorTicket = 0;
  let revision = 0;

  const sources = () => get().sources;
  const patch = (change: Partial<SourcesState>) => {
    set({ sources: { ...get().sources, ...change } });
  };

  async function refreshList(): Promise<void> {
    const outcome = await api.listSources();
    if (outcome.status === "ok" || sources().list.status !== "ready") patch({ list: loadable(outcome) });
  }

  function openEditor(editor: SourceEditor | null): void {
    editorTicket++;
    patch({ editor, save: { status: "idle" }, test: { status: "idle" } });
  }

  function takenIds(): Set<string> {
    const { list } = sources();
    return new Set(list.status === "ready" ? list.data.map((s) => s.source.source_id) : []);
  }

  /** The id the form's source is saved and tested under. */
  function idFor(form: SourceForm): string {
    const { editor } = sources();
    if (editor?.kind === "edit") return editor.source.source.source_id;
    return form.sourceId ?? sourceIdFor(form.name, takenIds());
  }

  return {
    openSources: async () => {
      openEditor(null);
      set({ route: { screen: "sources" }, notice: null });
      await refreshList();
    },

    loadSources: refreshList,

    startNewSource: () => {
      openEditor({ kind: "new", revision: ++revision });
    },

    editSource: (id) => {
      const { list } = sources();
      const source = list.status === "ready" ? list.data.find((s) => s.source.source_id === id) : undefined;
      if (source !== undefined) openEditor({ kind: "edit", source, revision: ++revision });
    },

    closeSourceEditor: () => {
      openEditor(null);
    },

    saveSource: async (form) => {
      const { editor, save } = sources();
      if (editor === null || save.status === "saving") return;
      const built = sourceOf(form, idFor(form));
      if (!built.ok) {
        patch({ save: { status: "invalid", problems: built.problems } });
        return;
      }
      const ticket = editorTicket;
      patch({ save: { status: "saving" } });
      const password = passwordOf(form);
      const outcome = editor.kind === "edit" ? await api.updateSource(built.source, password) : await api.addSource(built.source, password);
      if (ticket !== editorTicket) return;
      if (outcome.status === "error") {
        patch({ save: { status: "failed", error: outcome.error } });
        return;
      }
      await refreshList();
      if (ticket !== editorTicket) return;
      editorTicket++;
      patch({ editor: { kind: "edit", source: outcome.data, revision: ++revision }, save: { status: "saved" }, test: { status: "idle" } });
    },

    testSource: async (form) => {
      const { editor, test } = sources();
      if (editor === null || test.status === "testing") return;
      const built = sourceOf(form, idFor(form));
      if (!built.ok) {
        patch({ test: { status: "invalid", problems: built.problems } });
        return;
      }
      const ticket = editorTicket;
      patch({ test: { status: "testing" } });
      const outcome = await api.testSource(built.source, passwordOf(form));
      if (ticket !== editorTicket) return;
      patch({ test: outcome.status === "ok" ? { status: "ready", check: outcome.data } : { status: "failed", error: outcome.error } });
    },

    removeSource: async (id) => {
      const outcome = await api.removeSource(id);
      if (outcome.status === "error") {
        set({ notice: outcome.error });
        return;
      }
      const { editor } = sources();
      if (editor?.kind === "edit" && editor.source.source.source_id === id) openEditor(null);
      await refreshList();
    },
  };
}
