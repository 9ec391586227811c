// A page of a node's result drawn as its template's chart: the option comes from `chartPlan`
// (lib/chart.ts); this only hands it to ECharts, drawn as SVG, and keeps it sized to the drawer.
// ECharts is pulled in piece by piece, so its chunk carries only the charts we draw.
import { BarChart, LineChart, PieChart, ScatterChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { SVGRenderer } from "echarts/renderers";
import { useEffect, useRef } from "react";
import type { ChartOption } from "../lib/chart";

echarts.use([BarChart, LineChart, PieChart, ScatterChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);

export default function ResultChart({ option }: { readonly option: ChartOption }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (element === null) return;
    const chart = echarts.init(element, null, { renderer: "svg" });
    chart.setOption(option);
    const sizes = new ResizeObserver(() => {
      chart.resize();
    });
    sizes.observe(element);
    return () => {
      sizes.disconnect();
      chart.dispose();
    };
  }, [option]);
  return <div className="rchart__plot" ref={box} data-testid="result-chart" />;
}
