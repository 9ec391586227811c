// The Templates screen's actions (store/templates.ts) against the in-memory backend: the list;
// the editor's SQL checked once typing pauses; saving (a new template under an id made from its
// name, a change as the next version, no change as no version); a test run and the output
// columns it infers; the output columns its source describes, and the tables of its source;
// making a template inactive; template packs in and out.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { addParam, updateRow } from "../lib/templateDraft";
import { createAppStore, type Api } from "./index";
import { CHECK_DEBOUNCE_MS, type TemplateLibraryState } from "./templates";
import { fakeApi, fakeDialogs, ok } from "../testing/fakeBackend";
import { problemsOf } from "../lib/errors";

function templatesStore(overrides: Partial<Api> = {}, answer = ok<string | null>("/home/ana/starter.templates.json")) {
  const backend = fakeApi(overrides);
  const files = fakeDialogs(answer);
  const store = createAppStore(backend.api, files.dialogs);
  const library = () => store.getState().templateLibrary;
  const editor = () => {
    const open = library().editor;
    if (open === null) throw new Error("the editor is closed");
    return open;
  };
  return { store, backend, files, actions: store.getState().actions, library, editor };
}

function listed(library: () => TemplateLibraryState) {
  const { list } = library();
  return list.status === "ready" ? list.data : [];
}

describe("opening the Templates screen", () => {
  it("switches the route and lists the templates", async () => {
    const { store, actions, library } = templatesStore();
    await actions.openTemplates();
    expect(store.getState().route).toEqual({ screen: "templates" });
    expect(listed(library).map((t) => t.template.template_id)).toEqual(["tpl_top_campaigns", "tpl_daily_trend", "tpl_products"]);
    expect(library().editor).toBeNull();
  });

  it("opens a template in the editor with its versions", async () => {
    const { actions, editor } = templatesStore();
    await actions.openTemplates();
    await actions.showTemplate("tpl_top_campaigns");
    expect(editor().draft.name).toBe("Top campaigns by spend");
    expect(editor().draft.parameters.map((p) => p.name)).toEqual(["start_date", "end_date", "limit"]);
    const { versions } = editor();
    expect(versions.status === "ready" && versions.data.map((v) => v.version)).toEqual([1]);
  });
});

describe("the SQL's problems", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("are asked for once typing pauses, for the SQL typed", async () => {
    const templateProblems = vi.fn(fakeApi().api.templateProblems);
    const { actions, editor } = templatesStore({ templateProblems });
    actions.startNewTemplate();
    await vi.advanceTimersByTimeAsync(0);
    templateProblems.mockClear();
    actions.editTemplateDraft((d) => ({ ...d, sql: "SELECT {{" }));
    actions.editTemplateDraft((d) => ({ ...d, sql: "SELECT {{limit}}" }));
    expect(templateProblems).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(CHECK_DEBOUNCE_MS);
    expect(templateProblems).toHaveBeenCalledTimes(1);
    expect(editor().check).toMatchObject({ status: "ready", sql: "SELECT {{limit}}", problems: [{ from: 7, to: 16, error: true }] });
  });

  it("warn of a declared parameter the SQL never uses", async () => {
    const { actions, editor } = templatesStore();
    actions.startNewTemplate();
    const parameters = updateRow(addParam([]), "p1", { name: "region" });
    actions.editTemplateDraft((d) => ({ ...d, parameters }));
    await vi.advanceTimersByTimeAsync(CHECK_DEBOUNCE_MS);
    const { check } = editor();
    expect(check.status === "ready" && check.problems.map((p) => [p.error, p.message])).toEqual([
      [false, "parameter `region` is declared but the SQL never uses it"],
    ]);
  });

  it("are not asked for a change that leaves the SQL and parameters alone", async () => {
    const templateProblems = vi.fn(fakeApi().api.templateProblems);
    const { actions } = templatesStore({ templateProblems });
    actions.startNewTemplate();
    await vi.advanceTimersByTimeAsync(0);
    templateProblems.mockClear();
    actions.editTemplateDraft((d) => ({ ...d, name: "Spend" }));
    await vi.advanceTimersByTimeAsync(CHECK_DEBOUNCE_MS);
    expect(templateProblems).not.toHaveBeenCalled();
  });
});

describe("saving", () => {
  it("stores a new template as version 1 under an id made from its name", async () => {
    const { backend, actions, editor, library } = templatesStore();
    await actions.openTemplates();
    actions.startNewTemplate();
    actions.editTemplateDraft((d) => ({ ...d, name: "Daily spend", sql: "SELECT day, spend FROM ads" }));
    await actions.saveTemplate();
    expect(backend.templateSaves.at(-1)).toMatchObject({ template_id: "tpl_daily_spend", name: "Daily spend" });
    expect(editor().save).toEqual({ status: "saved", version: 1, changed: true });
    expect(editor().stored?.template.template_id).toBe("tpl_daily_spend");
    expect(listed(library).map((t) => t.template.template_id)).toContain("tpl_daily_spend");
  });

  it("makes a changed template its next version, with the earlier one kept", async () => {
    const { actions, editor } = templatesStore();
    await actions.openTemplates();
    await actions.showTemplate("tpl_top_campaigns");
    actions.editTemplateDraft((d) => ({ ...d, sql: "SELECT 2" }));
    await actions.saveTemplate();
    expect(editor().save).toEqual({ status: "saved", version: 2, changed: true });
    const { versions } = editor();
    expect(versions.status === "ready" && versions.data.map((v) => [v.version, v.sql])).toEqual([
      [2, "SELECT 2"],
      [1, "SELECT 1"],
    ]);
  });

  it("makes no new version of an unchanged template", async () => {
    const { actions, editor } = templatesStore();
    await actions.openTemplates();
    await actions.showTemplate("tpl_top_campaigns");
    await actions.saveTemplate();
    expect(editor().save).toEqual({ status: "saved", version: 1, changed: false });
  });

  it("refuses a draft with values that do not read, naming each, and sends nothing", async () => {
    const { backend, actions, editor } = templatesStore();
    await actions.openTemplates();
    actions.startNewTemplate();
    const parameters = updateRow(addParam([]), "p1", { name: "limit", type: "integer", defaultText: "ten" });
    actions.editTemplateDraft((d) => ({ ...d, parameters }));
    await actions.saveTemplate();
    expect(backend.templateSaves).toEqual([]);
    const { save } = editor();
    expect(save.status === "failed" && problemsOf(save.error)).toEqual([
      "The template needs a name.",
      'parameter “limit”: default expected a whole number, got "ten"',
    ]);
  });

  it("keeps what Rust refused for the form", async () => {
    const refusal = { code: "conflict" as const, message: "template tpl_x exists" };
    const { actions, editor } = templatesStore({ saveTemplate: () => Promise.resolve({ status: "error", error: refusal }) });
    actions.startNewTemplate();
    actions.editTemplateDraft((d) => ({ ...d, name: "X" }));
    await actions.saveTemplate();
    expect(editor().save).toEqual({ status: "failed", error: refusal });
  });
});

describe("a test run", () => {
  it("runs the draft with the sample values read as their types, defaults filling the rest", async () => {
    const { backend, actions, editor } = templatesStore();
    await actions.openTemplates();
    await actions.showTemplate("tpl_top_campaigns");
    actions.setSampleValue("start_date", "2026-06-01");
    actions.setSampleValue("end_date", "2026-06-30");
    await actions.testRunTemplate();
    const [template, values, limit] = backend.testRuns.at(-1) ?? [];
    expect(template?.template_id).toBe("tpl_top_campaigns");
    expect(values).toEqual({ start_date: "2026-06-01", end_date: "2026-06-30", limit: 20 });
    expect(limit).toBe(100);
    const { testRun } = editor();
    expect(testRun.status === "done" && testRun.run.page.rows).toHaveLength(2);
  });

  it("says which sample does not read, without running", async () => {
    const { backend, actions, editor } = templatesStore();
    await actions.openTemplates();
    await actions.showTemplate("tpl_top_campaigns");
    actions.setSampleValue("limit", "many");
    await actions.testRunTemplate();
    expect(backend.testRuns).toEqual([]);
    const { testRun } = editor();
    expect(testRun.status === "failed" && problemsOf(testRun.error)).toEqual(['limit: expected a whole number, got "many"']);
  });

  it("shows the engine's refusal", async () => {
    const refusal = { code: "invalid_input" as const, message: "parameter `start_date` needs a sample value" };
    const { actions, editor } = templatesStore({ testRunTemplate: () => Promise.resolve({ status: "error", error: refusal }) });
    await actions.openTemplates();
    await actions.showTemplate("tpl_top_campaigns");
    await actions.testRunTemplate();
    expect(editor().testRun).toEqual({ status: "failed", error: refusal });
  });

  it("declares the columns it returned as the output columns", async () => {
    const { actions, editor } = templatesStore();
    await actions.openTemplates();
    await actions.showTemplate("tpl_products");
    actions.inferOutputColumns();
    expect(editor().draft.outputs).toEqual([]);
    await actions.testRunTemplate();
    actions.inferOutputColumns();
    expect(editor().draft.outputs.map((o) => [o.name, o.type])).toEqual([
      ["campaign", "string"],
      ["spend", "decimal"],
    ]);
  });

  it("is dropped when it answers after its editor closed", async () => {
    let answer: () => void = () => undefined;
    const { actions, editor } = templatesStore({
      testRunTemplate: (template, values, limit) =>
        new Promise((resolve) => {
          answer = () => {
            resolve(fakeApi().api.testRunTemplate(template, values, limit));
          };
        }),
    });
    await actions.openTemplates();
    await actions.showTemplate("tpl_products");
    const running = actions.testRunTemplate();
    actions.closeTemplateEditor();
    actions.startNewTemplate();
    answer();
    await running;
    expect(editor().testRun).toEqual({ status: "idle" });
  });
});

describe("making a template inactive", () => {
  it("updates the list and the open editor", async () => {
    const { actions, library, editor } = templatesStore();
    await actions.openTemplates();
    await actions.showTemplate("tpl_daily_trend");
    await actions.setTemplateActive("tpl_daily_trend", false);
    expect(listed(library).find((t) => t.template.template_id === "tpl_daily_trend")?.is_active).toBe(false);
    expect(editor().stored?.is_active).toBe(false);
  });
});

describe("template packs", () => {
  it("imports the pack picked, and lists the templates again", async () => {
    const { backend, files, actions, library } = templatesStore();
    await actions.openTemplates();
    await actions.importTemplatePack();
    expect(files.asked).toEqual(["open template pack"]);
    expect(backend.packImports).toEqual([["/home/ana/starter.templates.json", "fail"]]);
    expect(library().pack).toEqual({ status: "imported", outcome: { templates: [["tpl_top_campaigns", { fate: "reused" }]] } });
  });

  it("asks what to do on a conflict, then imports as chosen", async () => {
    const conflict = { code: "conflict" as const, message: "tpl_top_campaigns differs" };
    const importTemplatePack = vi.fn((_path: string, onConflict: string) =>
      Promise.resolve(onConflict === "fail" ? { status: "error" as const, error: conflict } : ok({ templates: [] })),
    );
    const { actions, library } = templatesStore({ importTemplatePack });
    await actions.importTemplatePack();
    expect(library().pack).toEqual({ status: "conflict", path: "/home/ana/starter.templates.json", message: conflict.message });
    await actions.resolvePackConflict("keep-both");
    expect(importTemplatePack).toHaveBeenLastCalledWith("/home/ana/starter.templates.json", "keep-both");
    expect(library().pack).toEqual({ status: "imported", outcome: { templates: [] } });
  });

  it("does nothing when the dialog is cancelled", async () => {
    const { backend, actions, library } = templatesStore({}, ok(null));
    await actions.importTemplatePack();
    expect(backend.packImports).toEqual([]);
    expect(library().pack).toEqual({ status: "idle" });
  });

  it("exports one template under its id, or every template", async () => {
    const { backend, files, actions, library } = templatesStore({}, ok("/home/ana/out.templates.json"));
    await actions.exportTemplatePack(["tpl_products"]);
    expect(files.asked).toEqual(["save tpl_products.templates.json"]);
    expect(library().pack).toEqual({ status: "exported", path: "/home/ana/out.templates.json", count: 1 });
    await actions.exportTemplatePack([]);
    expect(backend.packExports).toEqual([
      [["tpl_products"], "/home/ana/out.templates.json"],
      [[], "/home/ana/out.templates.json"],
    ]);
    expect(library().pack).toMatchObject({ status: "exported", count: null });
  });
});

describe("the tables beside the SQL", () => {
  it("are read as the editor opens, with each column's type and a CSV file's missing-value markers", async () => {
    const { actions, editor } = templatesStore();
    await actions.openTemplates();
    await actions.showTemplate("tpl_top_campaigns");
    await vi.waitFor(() => {
      expect(editor().tables.status).toBe("ready");
    });
    const { tables } = editor();
    const shapes = tables.status === "ready" ? tables.data : [];
    expect(shapes.map((t) => t.name)).toEqual(["flights", "broken", "customers"]);
    expect(shapes[0]?.columns).toContainEqual({ name: "arr_delay", type: "float" });
    expect(shapes[0]?.missing).toContain("NA");
    expect(shapes[1]?.problem).toContain("line 3");
  });

  it("are read again when asked, and an answer for a closed editor is dropped", async () => {
    const readableTables = vi.fn(fakeApi().api.readableTables);
    const { actions, editor, library } = templatesStore({ readableTables });
    actions.startNewTemplate();
    await vi.waitFor(() => {
      expect(editor().tables.status).toBe("ready");
    });
    await actions.refreshReadableTables();
    expect(readableTables).toHaveBeenCalledTimes(2);
    expect(readableTables).toHaveBeenLastCalledWith("src_local");
    actions.startNewTemplate();
    actions.closeTemplateEditor();
    await Promise.resolve();
    expect(library().editor).toBeNull();
  });

  it("are the tables of the source picked, read again as the picker changes", async () => {
    const readableTables = vi.fn(fakeApi().api.readableTables);
    const { actions, editor } = templatesStore({ readableTables });
    actions.startNewTemplate();
    await vi.waitFor(() => {
      expect(editor().tables.status).toBe("ready");
    });
    actions.editTemplateDraft((d) => ({ ...d, sourceId: "src_sales" }));
    expect(editor().tables.status).toBe("loading");
    expect(editor().tablesSource).toBe("src_sales");
    await vi.waitFor(() => {
      expect(editor().tables.status).toBe("ready");
    });
    const { tables } = editor();
    const shapes = tables.status === "ready" ? tables.data : [];
    expect(shapes.map((t) => [t.name, t.kind])).toEqual([
      ["orders", "table"],
      ["reporting.spend", "view"],
    ]);
    expect(shapes[0]?.columns).toContainEqual({ name: "sales", type: "decimal(12,2)" });
    // Typing the SQL does not read them again; a source that cannot be reached says so.
    actions.editTemplateDraft((d) => ({ ...d, sql: "SELECT * FROM orders" }));
    expect(readableTables).toHaveBeenCalledTimes(2);
    actions.editTemplateDraft((d) => ({ ...d, sourceId: "src_down" }));
    await vi.waitFor(() => {
      expect(editor().tables.status).toBe("failed");
    });
    const failed = editor().tables;
    expect(failed.status === "failed" && failed.error.code).toBe("source_unavailable");
  });

  it("drop the answer for a source picked over since", async () => {
    const answers: (() => void)[] = [];
    const real = fakeApi().api.readableTables;
    const { actions, editor } = templatesStore({
      readableTables: (source) =>
        new Promise((resolve) => {
          answers.push(() => {
            resolve(real(source));
          });
        }),
    });
    actions.startNewTemplate();
    actions.editTemplateDraft((d) => ({ ...d, sourceId: "src_sales" }));
    expect(answers).toHaveLength(2);
    answers[1]?.();
    await vi.waitFor(() => {
      expect(editor().tables.status).toBe("ready");
    });
    // The local tables answer last: the list stays the PostgreSQL source's.
    answers[0]?.();
    await Promise.resolve();
    await Promise.resolve();
    const { tables } = editor();
    expect(tables.status === "ready" && tables.data.map((t) => t.name)).toEqual(["orders", "reporting.spend"]);
  });
});

describe("output columns from the template's source", () => {
  it("declares the columns the source describes, without a test run", async () => {
    const { backend, actions, editor } = templatesStore();
    await actions.openTemplates();
    actions.startNewTemplate();
    actions.editTemplateDraft((d) => ({ ...d, sql: "SELECT order_id, day, sales FROM orders", sourceId: "src_sales" }));
    await actions.describeOutputColumns();
    expect(editor().draft.outputs.map((o) => [o.name, o.type])).toEqual([
      ["order_id", "string"],
      ["day", "date"],
      ["sales", "decimal"],
    ]);
    expect(editor().describe).toEqual({ status: "done", count: 3 });
    expect(backend.testRuns).toEqual([]);
    expect(backend.describes.at(-1)?.[0]).toMatchObject({ source_id: "src_sales", sql: "SELECT order_id, day, sales FROM orders" });
    // The test run's way still works beside it.
    await actions.testRunTemplate();
    actions.inferOutputColumns();
    expect(editor().draft.outputs.map((o) => o.name)).toEqual(["campaign", "spend"]);
  });

  it("says why when the SQL does not plan or the source cannot be reached, keeping the columns declared", async () => {
    const { actions, editor } = templatesStore();
    await actions.openTemplates();
    await actions.showTemplate("tpl_top_campaigns");
    const before = editor().draft.outputs;
    actions.editTemplateDraft((d) => ({ ...d, sql: "SELECT nope FROM ad_daily" }));
    await actions.describeOutputColumns();
    const { describe: planned } = editor();
    expect(planned.status === "failed" && planned.error.message).toMatch(/column "nope" does not exist/);
    expect(editor().draft.outputs).toBe(before);
    actions.editTemplateDraft((d) => ({ ...d, sql: "SELECT 1", sourceId: "src_down" }));
    expect(editor().describe).toEqual({ status: "idle" });
    await actions.describeOutputColumns();
    const { describe: unreachable } = editor();
    expect(unreachable.status === "failed" && unreachable.error.code).toBe("source_unavailable");
    expect(editor().draft.outputs).toBe(before);
  });

  it("says which sample does not read, without asking the source", async () => {
    const { backend, actions, editor } = templatesStore();
    await actions.openTemplates();
    await actions.showTemplate("tpl_top_campaigns");
    actions.setSampleValue("limit", "many");
    await actions.describeOutputColumns();
    expect(backend.describes).toEqual([]);
    const { describe } = editor();
    expect(describe.status === "failed" && problemsOf(describe.error)).toEqual(['limit: expected a whole number, got "many"']);
  });

  it("drops the answer when the source changed while it was asked", async () => {
    let answer: () => void = () => undefined;
    const real = fakeApi().api.templateOutputColumns;
    const { actions, editor } = templatesStore({
      templateOutputColumns: (template, values) =>
        new Promise((resolve) => {
          answer = () => {
            resolve(real(template, values));
          };
        }),
    });
    await actions.openTemplates();
    await actions.showTemplate("tpl_products");
    const before = editor().draft.outputs;
    const asking = actions.describeOutputColumns();
    expect(editor().describe).toEqual({ status: "describing" });
    actions.editTemplateDraft((d) => ({ ...d, sourceId: "src_sales" }));
    answer();
    await asking;
    expect(editor().draft.outputs).toBe(before);
    expect(editor().describe).toEqual({ status: "idle" });
  });
});
