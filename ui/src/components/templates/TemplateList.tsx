// The workspace's templates beside the one open: search over name, description and SQL, the
// category and tag filters, each template's usage and whether it is active, and the buttons
// that make a new one or move packs in and out.
import { useMemo, useState } from "react";
import type { TemplateDetail } from "../../api";
import { plural } from "../../lib/format";
import { toggledTag } from "../../lib/tags";
import { filterTemplates, noTemplateFilter, templateCategories, templateTags, type TemplateFilter } from "../../lib/templateLibrary";
import { useAppActions, useAppState } from "../../store";
import "../../styles/home.css";
import { ErrorNotice } from "../ErrorNotice";
import { SearchBox, TagChips } from "../FilterControls";
import { ExportIcon, ImportIcon } from "../icons";

export function TemplateList() {
  const list = useAppState((state) => state.templateLibrary.list);
  const { openTemplates, startNewTemplate, importTemplatePack, exportTemplatePack } = useAppActions();
  const [filter, setFilter] = useState<TemplateFilter>(noTemplateFilter);
  const all = useMemo(() => (list.status === "ready" ? list.data : []), [list]);
  const shown = useMemo(() => filterTemplates(all, filter), [all, filter]);

  return (
    <aside className="side-list template-list" aria-label="Templates">
      <div className="template-list__actions">
        <button type="button" className="button button--primary" data-testid="new-template" onClick={startNewTemplate}>
          New template
        </button>
        <button type="button" className="button" data-testid="import-template-pack" onClick={() => void importTemplatePack()}>
          <ImportIcon />
          Import…
        </button>
        <button
          type="button"
          className="button"
          data-testid="export-template-pack"
          title="Export every template as a pack"
          onClick={() => void exportTemplatePack([])}
        >
          <ExportIcon />
          Export…
        </button>
      </div>
      <Filters templates={all} filter={filter} onChange={setFilter} />
      {list.status === "loading" && (
        <p className="list-status" aria-busy="true">
          Loading templates…
        </p>
      )}
      {list.status === "failed" && <ErrorNotice title="Could not list the templates" error={list.error} onRetry={() => void openTemplates()} />}
      {list.status === "ready" && shown.length === 0 && (
        <p className="side-list__empty" data-testid="template-list-empty">
          {all.length === 0 ? "No templates yet." : "No template matches."}
        </p>
      )}
      {shown.length > 0 && (
        <ul className="side-list__items">
          {shown.map((detail) => (
            <TemplateRow key={detail.template.template_id} detail={detail} />
          ))}
        </ul>
      )}
    </aside>
  );
}

type FiltersProps = {
  readonly templates: readonly TemplateDetail[];
  readonly filter: TemplateFilter;
  readonly onChange: (filter: TemplateFilter) => void;
};

function Filters({ templates, filter, onChange }: FiltersProps) {
  const categories = useMemo(() => templateCategories(templates), [templates]);
  const tags = useMemo(() => templateTags(templates), [templates]);
  return (
    <div className="template-filters">
      <SearchBox
        testId="template-search"
        label="Search templates"
        placeholder="Search name, description, SQL"
        value={filter.text}
        onChange={(text) => {
          onChange({ ...filter, text });
        }}
      />
      {categories.length > 0 && (
        <select
          className="field__input"
          data-testid="template-category-filter"
          aria-label="Category"
          value={filter.category ?? ""}
          onChange={(event) => {
            onChange({ ...filter, category: event.target.value === "" ? null : event.target.value });
          }}
        >
          <option value="">Every category</option>
          {categories.map((category) => (
            <option key={category} value={category}>
              {category}
            </option>
          ))}
        </select>
      )}
      <TagChips
        tags={tags}
        selected={filter.tag}
        testId="template-tag-chip"
        onToggle={(tag) => {
          onChange({ ...filter, tag: toggledTag(filter.tag, tag) });
        }}
      />
    </div>
  );
}

function TemplateRow({ detail }: { readonly detail: TemplateDetail }) {
  const open = useAppState((state) => state.templateLibrary.editor?.stored?.template.template_id === detail.template.template_id);
  const { showTemplate, setTemplateActive } = useAppActions();
  const { template } = detail;
  return (
    <li
      className={`side-list__item template-row${open ? " side-list__item--open" : ""}${detail.is_active ? "" : " template-row--inactive"}`}
      data-testid="template-row"
      data-template-id={template.template_id}
    >
      <button
        type="button"
        className="template-row__open"
        aria-current={open ? "true" : undefined}
        onClick={() => void showTemplate(template.template_id)}
      >
        <span className="template-row__name" data-testid="template-row-name">
          {template.name}
        </span>
        <span className="template-row__meta">
          {template.category !== "" && <span>{template.category}</span>}
          <span data-testid="template-usage">{plural(detail.usage_count, "use")}</span>
          <span>v{template.version}</span>
        </span>
      </button>
      <label className="template-row__active" title={detail.is_active ? "Active: it can be placed in flows" : "Inactive: it cannot be placed"}>
        <input
          type="checkbox"
          data-testid="template-active"
          checked={detail.is_active}
          onChange={(event) => void setTemplateActive(template.template_id, event.target.checked)}
        />
        Active
      </label>
    </li>
  );
}
