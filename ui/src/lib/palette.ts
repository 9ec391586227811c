// Finding templates to place: the palette's search and the command palette's template entries.
import type { TemplateDetail } from "../api";

function haystack({ template }: TemplateDetail): string {
  return [template.name, template.category, template.description, ...template.tags, template.template_id].join(" ").toLowerCase();
}

/**
 * The active templates that hold every word of `query` (in their name, category, description,
 * tags or id), those whose name starts with the query first, then by name.
 */
export function matchTemplates(templates: readonly TemplateDetail[], query: string): TemplateDetail[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const start = query.trim().toLowerCase();
  return templates
    .filter((t) => t.is_active && words.every((word) => haystack(t).includes(word)))
    .map((t) => ({ t, first: start !== "" && t.template.name.toLowerCase().startsWith(start) ? 0 : 1 }))
    .sort((a, b) => a.first - b.first || a.t.template.name.localeCompare(b.t.template.name))
    .map(({ t }) => t);
}
