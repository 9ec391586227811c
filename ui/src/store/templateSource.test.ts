// The data source a template runs on, through the Templates screen's actions (store/templates.ts)
// against the in-memory backend: picked in the editor, saved in the template's `source_id`, read
// back when the template is opened again, and no new version when nothing else changed.
import { describe, expect, it } from "vitest";
import { createAppStore } from "./index";
import { fakeApi } from "../testing/fakeBackend";

function templatesStore() {
  const backend = fakeApi();
  const store = createAppStore(backend.api);
  const editor = () => {
    const open = store.getState().templateLibrary.editor;
    if (open === null) throw new Error("the editor is closed");
    return open;
  };
  return { backend, actions: store.getState().actions, editor };
}

describe("a template's source in the editor", () => {
  it("saves the source picked and reads it back", async () => {
    const { backend, actions, editor } = templatesStore();
    await actions.openTemplates();
    actions.startNewTemplate();
    expect(editor().draft.sourceId).toBe("src_local");
    actions.editTemplateDraft((d) => ({ ...d, name: "Top sales", sql: "SELECT 1", sourceId: "src_sales" }));
    await actions.saveTemplate();
    expect(backend.templateSaves.at(-1)).toMatchObject({ template_id: "tpl_top_sales", source_id: "src_sales" });

    actions.closeTemplateEditor();
    await actions.showTemplate("tpl_top_sales");
    expect(editor().draft.sourceId).toBe("src_sales");
    await actions.saveTemplate();
    expect(editor().save).toEqual({ status: "saved", version: 1, changed: false });
  });

  it("moves a template back to src_local as a new version without a source_id", async () => {
    const { backend, actions, editor } = templatesStore();
    await actions.openTemplates();
    actions.startNewTemplate();
    actions.editTemplateDraft((d) => ({ ...d, name: "Top sales", sql: "SELECT 1", sourceId: "src_sales" }));
    await actions.saveTemplate();
    actions.editTemplateDraft((d) => ({ ...d, sourceId: "src_local" }));
    await actions.saveTemplate();
    expect(backend.templateSaves.at(-1)).not.toHaveProperty("source_id");
    expect(editor().save).toEqual({ status: "saved", version: 2, changed: true });
  });
});
