// A template's chart config drawn over a page of its result, as an ECharts option. Pure: the
// option is plain data (tested without a DOM); `ResultChart` hands it to ECharts.
import type { ChartConfig, FlowDetail, JsonValue, ResultPage } from "../api";
import { nodeTemplate, type Catalogue } from "./catalogue";

type ResultColumn = ResultPage["columns"][number];

/** At most this many lines or bar groups; more would be a blur, not a chart. */
export const MAX_SERIES = 12;

type Point = [string | number, number | null];

type Series =
  | { readonly type: "bar" | "scatter"; readonly name: string; readonly data: readonly Point[] }
  | { readonly type: "line"; readonly name: string; readonly data: readonly Point[]; readonly areaStyle?: object; readonly showSymbol: boolean }
  | {
      readonly type: "pie";
      readonly name: string;
      readonly radius: readonly string[];
      readonly data: readonly { readonly name: string; readonly value: number }[];
    };

type Axis = {
  readonly type: "category" | "value" | "time";
  readonly name: string;
  readonly nameLocation?: "middle";
  readonly nameGap?: number;
};

/** The option ECharts draws (the subset we use, typed). */
export type ChartOption = {
  readonly animation: false;
  readonly tooltip: { readonly trigger: "axis" | "item" };
  readonly legend?: { readonly type: "scroll"; readonly top: 0 };
  readonly grid?: { readonly left: number; readonly right: number; readonly top: number; readonly bottom: number; readonly containLabel: true };
  readonly xAxis?: Axis;
  readonly yAxis?: Axis;
  readonly series: readonly Series[];
};

export type ChartPlan =
  | { readonly ok: true; readonly option: ChartOption; readonly note: string | null }
  | { readonly ok: false; readonly reason: string };

/** The chart config of the template `nodeId` places in the flow (the version it is on), if it has one. */
export function nodeChart(detail: Pick<FlowDetail, "flow">, catalogue: Catalogue, nodeId: string): ChartConfig | null {
  const node = detail.flow.nodes.find((n) => n.node_id === nodeId);
  if (node === undefined) return null;
  return nodeTemplate(catalogue, node)?.chart_config ?? null;
}

const isNumericType = (column: ResultColumn) => /^(U?Int|Float|Decimal)/.test(column.data_type);
const isTimeType = (column: ResultColumn) => /^(Date|Timestamp)/.test(column.data_type);

/** A cell as a number: numbers as they are, numeric text (decimals) parsed, anything else none. */
export function numberOf(value: JsonValue | undefined): number | null {
  if (typeof value === "number") return value;
  if (typeof value === "string" && value.trim() !== "") {
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : null;
  }
  return null;
}

function label(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return "(empty)";
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** How `config` draws `page`, or why it cannot (a column it names is not in the result). */
export function chartPlan(config: ChartConfig, page: ResultPage): ChartPlan {
  const byName = new Map(page.columns.map((c) => [c.name, c]));
  const wanted = [config.x, ...config.y, ...(config.series == null ? [] : [config.series])];
  const missing = wanted.filter((name) => !byName.has(name));
  if (missing.length > 0) {
    const names = missing.map((m) => `“${m}”`).join(", ");
    return { ok: false, reason: `The template's chart uses ${names}, which this result does not have.` };
  }
  if (config.y.length === 0) return { ok: false, reason: "The template's chart names no value column (y)." };
  const x = byName.get(config.x);
  if (x === undefined) return { ok: false, reason: `The chart's column “${config.x}” is missing.` };
  return config.kind === "pie" ? piePlan(config, page) : cartesianPlan(config, x, page);
}

function piePlan(config: ChartConfig, page: ResultPage): ChartPlan {
  const measure = config.y[0] ?? "";
  const slices = new Map<string, number>();
  for (const row of page.rows) {
    const value = numberOf(row[measure]);
    if (value === null || value <= 0) continue;
    const name = label(row[config.x]);
    slices.set(name, (slices.get(name) ?? 0) + value);
  }
  return {
    ok: true,
    note: config.y.length > 1 ? `A pie shows one value: ${measure}.` : null,
    option: {
      animation: false,
      tooltip: { trigger: "item" },
      legend: { type: "scroll", top: 0 },
      series: [
        {
          type: "pie",
          name: measure,
          radius: ["0%", "70%"],
          data: Array.from(slices, ([name, value]) => ({ name, value })),
        },
      ],
    },
  };
}

function cartesianPlan(config: ChartConfig, x: ResultColumn, page: ResultPage): ChartPlan {
  const kind = config.kind;
  // Bars stand on categories whatever their type; lines and points follow time or numbers.
  const axisType = kind === "bar" ? "category" : isTimeType(x) ? "time" : isNumericType(x) ? "value" : "category";
  // Time stays as its ISO text, which ECharts reads on a time axis.
  const xOf = (value: JsonValue | undefined): string | number => (axisType === "value" ? (numberOf(value) ?? Number.NaN) : label(value));

  // One line (or bar colour) per series value and measure, in order of first appearance.
  const groups = new Map<string, Point[]>();
  const left = new Set<string>();
  for (const row of page.rows) {
    const group = config.series == null ? null : label(row[config.series]);
    for (const measure of config.y) {
      const name = group === null ? measure : config.y.length > 1 ? `${group} · ${measure}` : group;
      let points = groups.get(name);
      if (points === undefined) {
        if (groups.size >= MAX_SERIES) {
          left.add(name);
          continue;
        }
        points = [];
        groups.set(name, points);
      }
      points.push([xOf(row[config.x]), numberOf(row[measure])]);
    }
  }
  const shown = groups.size;
  const series: Series[] = Array.from(groups, ([name, data]) => {
    if (kind === "bar" || kind === "scatter") return { type: kind, name, data };
    // Lines join points in x order, whatever order the query returned them in.
    const ordered = axisType === "category" ? data : [...data].sort(byX);
    return kind === "area"
      ? { type: "line", name, data: ordered, areaStyle: {}, showSymbol: false }
      : { type: "line", name, data: ordered, showSymbol: ordered.length <= 60 };
  });
  const yName = config.y.length === 1 ? (config.y[0] ?? "") : "";
  return {
    ok: true,
    note: left.size > 0 ? `Showing the first ${shown} of ${shown + left.size} series.` : null,
    option: {
      animation: false,
      tooltip: { trigger: kind === "scatter" ? "item" : "axis" },
      ...(shown > 1 ? { legend: { type: "scroll", top: 0 } as const } : {}),
      // Room above the plot for the y axis's name (and the legend), below it for the x axis's.
      grid: { left: 12, right: 24, top: shown > 1 ? 44 : 28, bottom: 24, containLabel: true },
      xAxis: { type: axisType, name: config.x, nameLocation: "middle", nameGap: 28 },
      yAxis: { type: "value", name: yName },
      series,
    },
  };
}

function byX(a: Point, b: Point): number {
  const [p, q] = [a[0], b[0]];
  if (typeof p === "number" && typeof q === "number") return p - q;
  return String(p) < String(q) ? -1 : String(p) > String(q) ? 1 : 0;
}
