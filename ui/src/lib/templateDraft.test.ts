// The template editor's draft and the template Rust takes: a stored template comes back as it
// was, typed values read as their types (or are named when they do not), ids come from names.
import { describe, expect, it } from "vitest";
import type { Template } from "../api";
import {
  addParam,
  blankDraft,
  chartColumns,
  draftChartConfig,
  draftOf,
  removeRow,
  templateIdFor,
  templateOf,
  templateToSave,
  updateRow,
  type TemplateDraft,
} from "./templateDraft";

const topCampaigns: Template = {
  template_id: "tpl_top_campaigns",
  name: "Top campaigns by spend",
  description: "The campaigns that spent most.",
  category: "performance",
  tags: ["campaigns", "spend"],
  sql: "SELECT campaign_id, spend FROM ads WHERE day >= {{start_date}} AND channel IN ({{channels}}) LIMIT {{limit}}",
  parameters: [
    { name: "start_date", type: "date", required: true, description: "First day" },
    { name: "channels", type: "string", list: true, required: false, default: ["search", "social"], allowed_values: ["search", "social", "video"] },
    { name: "limit", type: "integer", required: false, default: 20 },
  ],
  output_columns: [
    { name: "campaign_id", type: "string" },
    { name: "spend", type: "decimal" },
  ],
  chart_config: { kind: "bar", x: "campaign_id", y: ["spend"] },
  version: 4,
};

function built(draft: TemplateDraft, id = "tpl_x") {
  const result = templateOf(draft, id);
  if (!result.ok) throw new Error(result.problems.join("; "));
  return result.template;
}

describe("a stored template in the editor", () => {
  it("shows every value as the text of its input", () => {
    const draft = draftOf(topCampaigns);
    expect(draft.tagsText).toBe("campaigns, spend");
    expect(draft.parameters.map((p) => [p.name, p.defaultText, p.allowedText])).toEqual([
      ["start_date", "", ""],
      ["channels", "search, social", "search, social, video"],
      ["limit", "20", ""],
    ]);
    expect(draft.chart).toEqual({ kind: "bar", x: "campaign_id", y: ["spend"], series: "" });
  });

  it("saves back as the very template it was, so an unchanged save is no new version", () => {
    expect(built(draftOf(topCampaigns), "tpl_top_campaigns")).toEqual({ ...topCampaigns });
  });

  it("sends no output columns when none are declared (unknown, not empty)", () => {
    const draft = { ...draftOf(topCampaigns), outputs: [], chart: null };
    expect(built(draft)).toMatchObject({ output_columns: null, chart_config: null });
  });
});

describe("reading the inputs", () => {
  it("reads defaults and allowed values as the parameter's type", () => {
    const parameters = updateRow(addParam([]), "p1", { name: " min_spend ", type: "decimal", defaultText: "12.5", allowedText: "10, 12.5" });
    expect(built({ ...blankDraft, name: "x", parameters }).parameters).toEqual([
      { name: "min_spend", type: "decimal", required: true, default: 12.5, allowed_values: [10, 12.5] },
    ]);
  });

  it("names every value that does not read, and blank or repeated names", () => {
    const blank = addParam(addParam(addParam([])));
    const parameters = updateRow(
      updateRow(blank, "p1", { name: "limit", type: "integer", defaultText: "ten" }),
      "p2",
      { name: "limit", type: "boolean", allowedText: "yes" },
    );
    const result = templateOf({ ...blankDraft, name: "x", parameters, outputs: [{ key: "o1", name: "", type: "string" }] }, "tpl_x");
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems).toEqual([
      "parameter “limit”: default expected a whole number, got \"ten\"",
      "parameter “limit”: allowed values expected true or false, got \"yes\"",
      "Every parameter needs a name.",
      "Parameter “limit” is declared twice.",
      "Every output column needs a name.",
    ]);
  });

  it("asks for a chart's x and y columns", () => {
    const result = templateOf({ ...blankDraft, name: "x", chart: { kind: "line", x: "", y: [], series: "" } }, "tpl_x");
    expect(!result.ok && result.problems).toEqual(["The chart needs an x column and at least one y column."]);
  });

  it("adds rows under fresh keys and removes them by key", () => {
    const two = addParam(addParam([]));
    expect(two.map((p) => p.key)).toEqual(["p1", "p2"]);
    expect(addParam(removeRow(two, "p1")).map((p) => p.key)).toEqual(["p2", "p3"]);
  });
});

describe("a new template's id", () => {
  it("is made from its name, free of the ids taken", () => {
    expect(templateIdFor("Top campaigns: by spend!", new Set())).toBe("tpl_top_campaigns_by_spend");
    expect(templateIdFor("Top campaigns", new Set(["tpl_top_campaigns", "tpl_top_campaigns_2"]))).toBe("tpl_top_campaigns_3");
    expect(templateIdFor("  ", new Set())).toBe("tpl_template");
  });

  it("is given at the first save, which needs a name", () => {
    expect(templateToSave({ ...blankDraft, name: "Daily spend" }, new Set())).toMatchObject({ ok: true, template: { template_id: "tpl_daily_spend" } });
    expect(templateToSave(blankDraft, new Set())).toEqual({ ok: false, problems: ["The template needs a name."] });
  });
});

describe("the chart's columns", () => {
  it("are the declared outputs, then whatever else the test run returned", () => {
    const page = { columns: [{ name: "spend", data_type: "Float64" }, { name: "day", data_type: "Date32" }], rows: [], offset: 0, total_rows: 0 };
    expect(chartColumns(draftOf(topCampaigns).outputs, page)).toEqual(["campaign_id", "spend", "day"]);
    expect(chartColumns([], null)).toEqual([]);
  });
});

describe("the chart a test run draws", () => {
  it("is the draft's chart as Rust takes it, a blank series left out", () => {
    expect(draftChartConfig({ kind: "line", x: "day", y: ["spend", "clicks"], series: "" })).toEqual({ kind: "line", x: "day", y: ["spend", "clicks"] });
    expect(draftChartConfig({ kind: "bar", x: "day", y: ["spend"], series: "channel" })).toEqual({ kind: "bar", x: "day", y: ["spend"], series: "channel" });
    expect(draftChartConfig(draftOf(topCampaigns).chart)).toEqual(topCampaigns.chart_config);
  });

  it("is none without a chart, an x column or a y column", () => {
    expect(draftChartConfig(null)).toBeNull();
    expect(draftChartConfig({ kind: "bar", x: "", y: ["spend"], series: "" })).toBeNull();
    expect(draftChartConfig({ kind: "bar", x: "day", y: [], series: "" })).toBeNull();
  });
});
