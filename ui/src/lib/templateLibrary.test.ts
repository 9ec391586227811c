// The Templates screen's list: search reaches into the SQL, categories and tags filter, and an
// imported pack says what became of each template.
import { describe, expect, it } from "vitest";
import type { TemplateDetail } from "../api";
import { template } from "../testing/fixtures";
import { describePack, filterTemplates, noTemplateFilter, templateCategories, templateTags } from "./templateLibrary";

function labelled(id: string, name: string, category: string, tags: string[], sql: string): TemplateDetail {
  const detail = template(id, name, []);
  return { ...detail, template: { ...detail.template, category, tags, sql } };
}

const library = [
  labelled("tpl_spend", "Spend by day", "budget", ["spend"], "SELECT day, sum(spend) FROM ads GROUP BY day"),
  labelled("tpl_ctr", "Low CTR campaigns", "performance", ["ctr", "campaigns"], "SELECT campaign_id FROM ads WHERE ctr < {{threshold}}"),
  labelled("tpl_top", "Top campaigns", "performance", ["campaigns"], "SELECT campaign_id FROM ads ORDER BY spend DESC"),
];

const names = (list: TemplateDetail[]) => list.map((t) => t.template.name);

describe("filtering templates", () => {
  it("lists every template by name when nothing is asked", () => {
    expect(names(filterTemplates(library, noTemplateFilter))).toEqual(["Low CTR campaigns", "Spend by day", "Top campaigns"]);
  });

  it("finds words in the SQL as well as the name", () => {
    expect(names(filterTemplates(library, { ...noTemplateFilter, text: "threshold" }))).toEqual(["Low CTR campaigns"]);
    expect(names(filterTemplates(library, { ...noTemplateFilter, text: "campaign_id desc" }))).toEqual(["Top campaigns"]);
  });

  it("keeps a category and a tag", () => {
    expect(names(filterTemplates(library, { text: "", category: "performance", tag: "ctr" }))).toEqual(["Low CTR campaigns"]);
  });

  it("offers each category and tag once, sorted", () => {
    expect(templateCategories(library)).toEqual(["budget", "performance"]);
    expect(templateTags(library)).toEqual(["campaigns", "ctr", "spend"]);
  });
});

describe("an imported pack", () => {
  it("counts what became of its templates and names the renamed ones", () => {
    expect(
      describePack({
        templates: [
          ["tpl_spend", { fate: "added" }],
          ["tpl_ctr", { fate: "renamed_to", new_id: "tpl_ctr_2" }],
        ],
      }),
    ).toEqual(["2 templates: 1 added, 1 renamed.", "tpl_ctr was kept beside the workspace's as tpl_ctr_2."]);
    expect(describePack({ templates: [] })).toEqual(["The pack had no templates."]);
  });
});
