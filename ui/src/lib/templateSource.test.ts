// The data source a template runs on, through the template editor's draft: kept as stored,
// left out on `src_local` (as Rust writes it, so an unchanged template saves as the same
// version), and never anything but `src_local` for a data-table template.
import { describe, expect, it } from "vitest";
import type { Template } from "../api";
import { blankDraft, draftOf, templateOf, type TemplateDraft } from "./templateDraft";

const onSales: Template = {
  template_id: "tpl_top_sales",
  name: "Top sales",
  description: "",
  category: "",
  tags: [],
  source_id: "src_sales",
  sql: "SELECT region, sum(amount) AS total FROM sales GROUP BY region",
  parameters: [],
  version: 2,
};

function built(draft: TemplateDraft) {
  const result = templateOf(draft, "tpl_top_sales");
  if (!result.ok) throw new Error(result.problems.join("; "));
  return result.template;
}

describe("a template's source in the editor", () => {
  it("starts a new template on src_local, and leaves the id out of what is saved", () => {
    expect(blankDraft.sourceId).toBe("src_local");
    expect(built({ ...blankDraft, name: "x" })).not.toHaveProperty("source_id");
  });

  it("reads a stored template's source and saves it back unchanged", () => {
    const draft = draftOf(onSales);
    expect(draft.sourceId).toBe("src_sales");
    expect(built(draft)).toEqual({ ...onSales, output_columns: null, chart_config: null });
  });

  it("reads a template without a source as on src_local", () => {
    const local: Template = { ...onSales };
    delete local.source_id;
    expect(draftOf(local).sourceId).toBe("src_local");
    expect(built({ ...draftOf(local), sourceId: "src_local" })).not.toHaveProperty("source_id");
  });

  it("saves the source picked", () => {
    expect(built({ ...draftOf(onSales), sourceId: "src_archive" }).source_id).toBe("src_archive");
  });

  it("keeps a data-table template on src_local whatever the draft holds", () => {
    const table = { ...draftOf(onSales), kind: "data_table" as const, sourceId: "src_sales" };
    expect(built(table)).not.toHaveProperty("source_id");
  });
});
