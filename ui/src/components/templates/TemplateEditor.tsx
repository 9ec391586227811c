// One template being written: its name and labels, the data source it runs on, its SQL with the
// tables that source has beside it, parameters, output columns (from the source or a test run) and
// chart, a test run, and its versions. The draft and every step are the store's
// (`store/templates.ts`); each part here edits one piece of the draft.
import { useMemo } from "react";
import { LOCAL_SOURCE, sourceName } from "../../lib/sources";
import { draftChartConfig, draftSource, type TemplateDraft } from "../../lib/templateDraft";
import { useAppActions } from "../../store";
import type { TemplateEditor as Editor, TemplateSave } from "../../store/templates";
import { SourcePicker, useSources } from "../sources/SourcePicker";
import { ChartEditor } from "./ChartEditor";
import { OutputColumnsEditor } from "./OutputColumnsEditor";
import { ParamsEditor } from "./ParamsEditor";
import { ReadableTables } from "./ReadableTables";
import { Refusal } from "./Refusal";
import { SqlField } from "./SqlField";
import { TemplateVersions } from "./TemplateVersions";
import { TestRunPanel } from "./TestRunPanel";

export function TemplateEditor({ editor }: { readonly editor: Editor }) {
  const { draft, stored } = editor;
  const { editTemplateDraft, saveTemplate, closeTemplateEditor, exportTemplatePack, refreshReadableTables } = useAppActions();
  const id = stored?.template.template_id ?? null;
  const sources = useSources();
  const source = sourceName(draftSource(draft), sources);
  // One object while the chart is unchanged, so the test run's chart is not drawn again on every edit.
  const chart = useMemo(() => draftChartConfig(draft.chart), [draft.chart]);
  const edit = (patch: Partial<TemplateDraft>) => {
    editTemplateDraft((d) => ({ ...d, ...patch }));
  };

  return (
    <section className="template-editor" data-testid="template-editor" aria-label={draft.name === "" ? "New template" : draft.name}>
      <header className="template-editor__head">
        <div className="template-editor__title">
          <h2 className="pane-title">{draft.name.trim() === "" ? "New template" : draft.name}</h2>
          {stored === null ? (
            <span className="template-editor__version" data-testid="template-version" data-version="">
              Not saved yet
            </span>
          ) : (
            <span className="template-editor__version" data-testid="template-version" data-version={stored.template.version}>
              Version {stored.template.version}
              {stored.is_active ? "" : " · inactive"}
            </span>
          )}
        </div>
        <div className="template-editor__actions">
          <SaveStatus save={editor.save} />
          {id !== null && (
            <button type="button" className="button" data-testid="template-export" onClick={() => void exportTemplatePack([id])}>
              Export…
            </button>
          )}
          <button type="button" className="button button--ghost" data-testid="template-close" onClick={closeTemplateEditor}>
            Close
          </button>
          <button
            type="button"
            className="button button--primary"
            data-testid="template-save"
            disabled={editor.save.status === "saving"}
            onClick={() => void saveTemplate()}
          >
            {editor.save.status === "saving" ? "Saving…" : "Save"}
          </button>
        </div>
      </header>
      {editor.save.status === "failed" && <Refusal error={editor.save.error} testId="template-save-error" title="Could not save the template" />}
      <Details draft={draft} templateId={id} onChange={edit} />
      <div className="template-editor__sql">
        <SqlField
          sql={draft.sql}
          check={editor.check}
          onChange={(sql) => {
            edit({ sql });
          }}
        />
        <ReadableTables
          tables={editor.tables}
          sourceName={sourceName(editor.tablesSource, sources)}
          local={editor.tablesSource === LOCAL_SOURCE}
          onRefresh={() => void refreshReadableTables()}
        />
      </div>
      <ParamsEditor
        parameters={draft.parameters}
        onChange={(parameters) => {
          edit({ parameters });
        }}
      />
      <OutputColumnsEditor
        outputs={draft.outputs}
        testRun={editor.testRun}
        describe={editor.describe}
        sourceName={source}
        onChange={(outputs) => {
          edit({ outputs });
        }}
      />
      <ChartEditor
        chart={draft.chart}
        outputs={draft.outputs}
        testRun={editor.testRun}
        onChange={(chart) => {
          edit({ chart });
        }}
      />
      <TestRunPanel parameters={draft.parameters} samples={editor.samples} testRun={editor.testRun} chart={chart} />
      {stored !== null && <TemplateVersions versions={editor.versions} />}
    </section>
  );
}

function SaveStatus({ save }: { readonly save: TemplateSave }) {
  if (save.status !== "saved") return null;
  return (
    <span className="template-editor__saved" role="status" data-testid="template-saved">
      {save.changed ? `Saved as version ${save.version}` : `No changes: still version ${save.version}`}
    </span>
  );
}

type DetailsProps = {
  readonly draft: TemplateDraft;
  readonly templateId: string | null;
  readonly onChange: (patch: Partial<Pick<TemplateDraft, "name" | "description" | "category" | "tagsText" | "sourceId">>) => void;
};

function Details({ draft, templateId, onChange }: DetailsProps) {
  return (
    <div className="template-details">
      <label className="field">
        <span className="field__label">Name</span>
        <input
          className="field__input"
          data-testid="template-name"
          placeholder="Top campaigns by spend"
          value={draft.name}
          onChange={(event) => {
            onChange({ name: event.target.value });
          }}
        />
        <span className="field__hint">
          {templateId === null ? "Its id is made from the name when it is first saved." : <code data-testid="template-id">{templateId}</code>}
        </span>
      </label>
      <label className="field">
        <span className="field__label">Category</span>
        <input
          className="field__input"
          data-testid="template-category"
          placeholder="performance"
          value={draft.category}
          onChange={(event) => {
            onChange({ category: event.target.value });
          }}
        />
      </label>
      <SourcePicker
        sourceId={draft.sourceId}
        dataTable={draft.kind === "data_table"}
        onChange={(sourceId) => {
          onChange({ sourceId });
        }}
      />
      <label className="field template-details__wide">
        <span className="field__label">Description</span>
        <textarea
          className="field__input"
          data-testid="template-description"
          rows={2}
          value={draft.description}
          onChange={(event) => {
            onChange({ description: event.target.value });
          }}
        />
      </label>
      <label className="field template-details__wide">
        <span className="field__label">Tags</span>
        <input
          className="field__input"
          data-testid="template-tags"
          placeholder="campaigns, spend"
          value={draft.tagsText}
          onChange={(event) => {
            onChange({ tagsText: event.target.value });
          }}
        />
        <span className="field__hint">Comma-separated.</span>
      </label>
    </div>
  );
}
