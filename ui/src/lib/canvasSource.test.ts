// The data source on the canvas: each node carries the source its template runs on (so it can
// show a badge off `src_local`), and a node whose template moved to another source is redrawn.
import { describe, expect, it } from "vitest";
import { deepDive, templates } from "../testing/fixtures";
import { mergeNodes, toCanvas } from "./canvas";
import { buildCatalogue } from "./catalogue";

const onSales = templates.map((t) =>
  t.template.template_id === "tpl_top_campaigns" ? { ...t, template: { ...t.template, source_id: "src_sales" } } : t,
);

describe("a node's data source", () => {
  it("is its template's, src_local when the template names none or is missing", () => {
    const nodes = toCanvas(deepDive, buildCatalogue(onSales)).nodes;
    expect(Object.fromEntries(nodes.map((n) => [n.data.templateName, n.data.sourceId]))).toMatchObject({
      "Top campaigns by spend": "src_sales",
      "Daily campaign performance": "src_local",
    });
    expect(nodes.every((n) => n.data.sourceId !== "")).toBe(true);
  });

  it("redraws a node whose template moved to another source", () => {
    const before = toCanvas(deepDive, buildCatalogue(templates)).nodes;
    const after = toCanvas(deepDive, buildCatalogue(onSales)).nodes;
    const merged = mergeNodes(before, after);
    const index = after.findIndex((n) => n.data.sourceId === "src_sales");
    expect(merged[index]).not.toBe(before[index]);
    expect(merged[index]?.data.sourceId).toBe("src_sales");
    expect(merged.filter((_, i) => i !== index).every((n, i) => n === before.filter((_, j) => j !== index)[i])).toBe(true);
  });
});
