// The Templates screen's list: search over name, description and SQL, the category and tag
// filters, and what an imported template pack did. Pure.
import type { PackOutcome, TemplateDetail } from "../api";
import { fateCounts } from "./importFlow";
import { distinctTags } from "./tags";

export type TemplateFilter = { readonly text: string; readonly category: string | null; readonly tag: string | null };

export const noTemplateFilter: TemplateFilter = { text: "", category: null, tag: null };

function haystack({ template }: TemplateDetail): string {
  return [template.name, template.description, template.sql, template.template_id].join("\n").toLowerCase();
}

/** The templates that hold every word of the search and match the category and tag, by name. */
export function filterTemplates(templates: readonly TemplateDetail[], filter: TemplateFilter): TemplateDetail[] {
  const words = filter.text.toLowerCase().split(/\s+/).filter(Boolean);
  return templates
    .filter((t) => filter.category === null || t.template.category === filter.category)
    .filter((t) => filter.tag === null || t.template.tags.includes(filter.tag))
    .filter((t) => words.every((word) => haystack(t).includes(word)))
    .sort((a, b) => a.template.name.localeCompare(b.template.name));
}

/** Every category in use, once each, sorted. */
export function templateCategories(templates: readonly TemplateDetail[]): string[] {
  return distinctTags(templates.map((t) => ({ tags: [t.template.category] })));
}

/** Every tag in use, once each, sorted. */
export function templateTags(templates: readonly TemplateDetail[]): string[] {
  return distinctTags(templates.map((t) => t.template));
}

/** What importing a pack did, line by line. */
export function describePack(outcome: PackOutcome): string[] {
  const lines = [fateCounts(outcome.templates) ?? "The pack had no templates."];
  for (const [templateId, fate] of outcome.templates) {
    if (fate.fate === "renamed_to") lines.push(`${templateId} was kept beside the workspace's as ${fate.new_id}.`);
  }
  return lines;
}
