// A template's chart config over a page of its result: which series, axes and points ECharts gets.
import { describe, expect, it } from "vitest";
import type { ChartConfig, JsonValue, ResultPage } from "../api";
import { deepDive, templates } from "../testing/fixtures";
import { buildCatalogue } from "./catalogue";
import { MAX_SERIES, chartPlan, nodeChart, numberOf } from "./chart";

function page(columns: Record<string, string>, rows: Record<string, JsonValue>[]): ResultPage {
  return {
    columns: Object.entries(columns).map(([name, data_type]) => ({ name, data_type })),
    rows,
    offset: 0,
    total_rows: rows.length,
  };
}

function plan(config: ChartConfig, result: ResultPage) {
  const planned = chartPlan(config, result);
  if (!planned.ok) throw new Error(planned.reason);
  return planned;
}

const daily = page({ day: "Date32", campaign_id: "Int64", spend: "Decimal128(12, 2)", clicks: "Int64" }, [
  { day: "2026-06-02", campaign_id: 7, spend: "12.50", clicks: 3 },
  { day: "2026-06-01", campaign_id: 7, spend: "10.00", clicks: 1 },
  { day: "2026-06-01", campaign_id: 9, spend: "4.25", clicks: 2 },
]);

describe("chartPlan", () => {
  it("draws bars of a decimal column over categories, the decimals read as numbers", () => {
    const { option, note } = plan({ kind: "bar", x: "campaign_id", y: ["spend"] }, daily);
    expect(note).toBeNull();
    expect(option.xAxis).toMatchObject({ type: "category", name: "campaign_id" });
    expect(option.series).toEqual([
      {
        type: "bar",
        name: "spend",
        data: [
          ["7", 12.5],
          ["7", 10],
          ["9", 4.25],
        ],
      },
    ]);
    expect(option.legend).toBeUndefined();
  });

  it("splits a line chart into one line per series value, on a time axis, in date order", () => {
    const { option } = plan({ kind: "line", x: "day", y: ["spend"], series: "campaign_id" }, daily);
    expect(option.xAxis?.type).toBe("time");
    expect(option.legend).toBeDefined();
    expect(option.series.map((s) => s.name)).toEqual(["7", "9"]);
    expect(option.series[0]).toMatchObject({
      type: "line",
      data: [
        ["2026-06-01", 10],
        ["2026-06-02", 12.5],
      ],
    });
  });

  it("gives each measure its own series, named by series value and measure", () => {
    const { option } = plan({ kind: "area", x: "day", y: ["spend", "clicks"], series: "campaign_id" }, daily);
    expect(option.series.map((s) => s.name)).toEqual(["7 · spend", "7 · clicks", "9 · spend", "9 · clicks"]);
    expect(option.series[0]).toHaveProperty("areaStyle");
    expect(option.yAxis?.name).toBe("");
  });

  it("puts numbers against numbers on a value axis for a scatter plot", () => {
    const { option } = plan({ kind: "scatter", x: "clicks", y: ["spend"] }, daily);
    expect(option.xAxis?.type).toBe("value");
    expect(option.tooltip.trigger).toBe("item");
    expect(option.series[0]?.data).toEqual([
      [3, 12.5],
      [1, 10],
      [2, 4.25],
    ]);
  });

  it("sums a pie's slices by name and leaves out empty and negative ones", () => {
    const channels = page({ channel: "Utf8", spend: "Float64" }, [
      { channel: "search", spend: 5 },
      { channel: "video", spend: 2 },
      { channel: "search", spend: 1.5 },
      { channel: "display", spend: -1 },
      { channel: "email" },
    ]);
    const { option } = plan({ kind: "pie", x: "channel", y: ["spend"] }, channels);
    expect(option.series).toEqual([
      {
        type: "pie",
        name: "spend",
        radius: ["0%", "70%"],
        data: [
          { name: "search", value: 6.5 },
          { name: "video", value: 2 },
        ],
      },
    ]);
  });

  it("keeps a null value as a gap and names an empty category", () => {
    const gaps = page({ name: "Utf8", spend: "Float64" }, [{ name: "a", spend: null }, { spend: 3 }]);
    const { option } = plan({ kind: "bar", x: "name", y: ["spend"] }, gaps);
    expect(option.series[0]?.data).toEqual([
      ["a", null],
      ["(empty)", 3],
    ]);
  });

  it("draws at most MAX_SERIES series and says how many were left out", () => {
    const many = page(
      { day: "Date32", id: "Int64", n: "Int64" },
      Array.from({ length: MAX_SERIES + 3 }, (_, i) => ({ day: "2026-06-01", id: i, n: i })),
    );
    const { option, note } = plan({ kind: "line", x: "day", y: ["n"], series: "id" }, many);
    expect(option.series).toHaveLength(MAX_SERIES);
    expect(note).toBe(`Showing the first ${MAX_SERIES} of ${MAX_SERIES + 3} series.`);
  });

  it("names the columns the chart wants that the result lacks", () => {
    const planned = chartPlan({ kind: "line", x: "day", y: ["spend", "sales"], series: "asin" }, daily);
    expect(planned).toEqual({
      ok: false,
      reason: "The template's chart uses “sales”, “asin”, which this result does not have.",
    });
  });
});

describe("numberOf", () => {
  it("reads numbers and numeric text, and nothing else", () => {
    expect(numberOf(3)).toBe(3);
    expect(numberOf("12.50")).toBe(12.5);
    expect(numberOf("")).toBeNull();
    expect(numberOf("n/a")).toBeNull();
    expect(numberOf(null)).toBeNull();
    expect(numberOf(true)).toBeNull();
  });
});

describe("nodeChart", () => {
  it("finds the chart of the template a node places, and none where there is none", () => {
    const config: ChartConfig = { kind: "bar", x: "campaign_name", y: ["spend"] };
    const charted = templates.map((t) =>
      t.template.template_id === "tpl_top_campaigns" ? { ...t, template: { ...t.template, chart_config: config } } : t,
    );
    const catalogue = buildCatalogue(charted);
    expect(nodeChart(deepDive, catalogue, "top")).toEqual(config);
    expect(nodeChart(deepDive, catalogue, "trend")).toBeNull();
    expect(nodeChart(deepDive, catalogue, "no_such_node")).toBeNull();
  });
});
