// What the canvas shows for a flow: node labels and parameters, edges and their labels, positions.
import { describe, expect, it } from "vitest";
import { deepDive, diagnostic, template, templates } from "../testing/fixtures";
import {
  estimateBox,
  forgetEstimates,
  markEdges,
  markNodes,
  mergeNodes,
  mergeNotes,
  nodeLabel,
  openingViewport,
  selectOnly,
  showsTemplateLine,
  toCanvas,
  type TemplateCanvasNode,
} from "./canvas";
import { buildCatalogue } from "./catalogue";
import { formatMapping } from "./mapping";
import { problemsByConnection, problemsByNode } from "./problems";

const catalogue = buildCatalogue(templates);

/** The value, which the test's own data guarantees is there. */
function given<T>(value: T | undefined): T {
  if (value === undefined) throw new Error("missing test data");
  return value;
}

describe("nodeLabel", () => {
  const tpl = { name: "Daily campaign performance" };

  it("prefers the node's own label", () => {
    expect(nodeLabel({ node_id: "n1", node_config: { label: "Their daily trend" } }, tpl)).toBe("Their daily trend");
  });

  it("falls back to the template's name, then to the node id", () => {
    expect(nodeLabel({ node_id: "n1", node_config: {} }, tpl)).toBe("Daily campaign performance");
    expect(nodeLabel({ node_id: "n1", node_config: { label: "   " } }, tpl)).toBe("Daily campaign performance");
    expect(nodeLabel({ node_id: "n1", node_config: {} }, undefined)).toBe("n1");
    expect(nodeLabel({ node_id: "n1", node_config: {} }, { name: "" })).toBe("n1");
  });
});

describe("showsTemplateLine", () => {
  it("leaves the line out when the label is the usable template's name", () => {
    expect(showsTemplateLine({ label: "Top campaigns", templateName: "Top campaigns", templateStatus: "ok" })).toBe(false);
  });

  it("shows it under another label, or when the template is missing or inactive", () => {
    expect(showsTemplateLine({ label: "Best five", templateName: "Top campaigns", templateStatus: "ok" })).toBe(true);
    expect(showsTemplateLine({ label: "tpl_gone", templateName: "tpl_gone", templateStatus: "missing" })).toBe(true);
    expect(showsTemplateLine({ label: "Top campaigns", templateName: "Top campaigns", templateStatus: "inactive" })).toBe(true);
  });
});

describe("toCanvas", () => {
  const canvas = toCanvas(deepDive, catalogue);
  const byId = (id: string) => {
    const found = canvas.nodes.find((n) => n.id === id);
    if (!found) throw new Error(`no node ${id}`);
    return found;
  };

  it("places every node at its saved position as the one custom node type", () => {
    expect(canvas.nodes.map((n) => [n.id, n.type, n.position])).toEqual([
      ["top", "template", { x: 0, y: 160 }],
      ["trend", "template", { x: 380, y: 0 }],
      ["orphan", "template", { x: 380, y: 320 }],
    ]);
  });

  it("labels nodes by label, then template name, then id, with the template name beneath", () => {
    expect(canvas.nodes.map((n) => [n.data.label, n.data.templateName, n.data.templateStatus])).toEqual([
      ["Top campaigns", "Top campaigns by spend", "ok"],
      ["Daily campaign performance", "Daily campaign performance", "ok"],
      ["orphan", "tpl_deleted", "missing"],
    ]);
  });

  it("turns every connection into an edge between the right nodes, labelled with its mappings", () => {
    expect(canvas.edges.map((e) => [e.id, e.type, e.source, e.target, e.label])).toEqual([
      ["top_to_trend", "mapping", "top", "trend", "campaign_id → campaign_ids (distinct_list)"],
      ["top_to_orphan", "mapping", "top", "orphan", "campaign_id → campaign_ids, first_day → day (first)"],
    ]);
    // The edge draws one line per mapping, in the same words.
    expect(canvas.edges[1]?.data?.mappings.map(formatMapping)).toEqual(["campaign_id → campaign_ids", "first_day → day (first)"]);
  });

  it("marks optional connections", () => {
    expect(canvas.edges.map((e) => e.data?.required)).toEqual([true, false]);
    expect(canvas.edges[1]?.className).toContain("mapping-edge--optional");
  });

  it("lists each template parameter with where its value comes from", () => {
    expect(byId("top").data.parameters.map((p) => [p.name, p.source])).toEqual([
      ["start_date", { kind: "global" }],
      ["end_date", { kind: "override", value: "2026-06-30" }],
      ["limit", { kind: "default", value: "20" }],
    ]);
    expect(byId("trend").data.parameters.map((p) => [p.name, p.list, p.source])).toEqual([
      ["campaign_ids", true, { kind: "upstream", fromNodeLabel: "Top campaigns", column: "campaign_id" }],
      ["start_date", false, { kind: "global" }],
    ]);
    expect(byId("orphan").data.parameters).toEqual([]);
  });

  it("says when a template is inactive, and when a required parameter has no value", () => {
    const inactive = [template("tpl_daily_trend", "Daily campaign performance", [{ name: "x", type: "string", required: true }], false)];
    const trend = toCanvas(deepDive, buildCatalogue(inactive)).nodes.find((n) => n.id === "trend");
    expect(trend?.data.templateStatus).toBe("inactive");
    expect(trend?.data.parameters).toEqual([
      { name: "x", type: "string", list: false, required: true, source: { kind: "unset" } },
    ]);
  });

  it("keeps the saved viewport, with defaults for coordinates that arrived as null", () => {
    expect(canvas.viewport).toEqual({ x: 10, y: 20, zoom: 0.8 });
    const broken = structuredClone(deepDive);
    broken.flow.composition.canvas_state.viewport = { x: null, y: null, zoom: null };
    const first = broken.flow.nodes[0];
    if (first) first.position = { x: null, y: 5 };
    const repaired = toCanvas(broken, catalogue);
    expect(repaired.viewport).toEqual({ x: 0, y: 0, zoom: 1 });
    expect(repaired.nodes[0]?.position).toEqual({ x: 0, y: 5 });
  });

  it("passes node colour and note through", () => {
    const coloured = structuredClone(deepDive);
    const first = coloured.flow.nodes[0];
    if (first) first.node_config = { label: "Top", color: "#ff8800", note: "Runs first" };
    const data = toCanvas(coloured, catalogue).nodes[0]?.data;
    expect([data?.accent, data?.note]).toEqual(["#ff8800", "Runs first"]);
    expect(canvas.nodes[1]?.data.accent).toBeNull();
  });
});

describe("marking problems", () => {
  const canvas = toCanvas(deepDive, catalogue);
  const diagnostics = [
    diagnostic("missing_parameter", { node_ids: ["trend"] }),
    diagnostic("unknown_column", { node_ids: ["top", "trend"], connection_ids: ["top_to_trend"] }),
    diagnostic("empty_connection", { node_ids: ["orphan"], connection_ids: ["top_to_orphan"] }),
  ];

  it("starts every node and edge without problems", () => {
    expect(canvas.nodes.map((n) => n.data.problems)).toEqual([
      { errors: 0, warnings: 0 },
      { errors: 0, warnings: 0 },
      { errors: 0, warnings: 0 },
    ]);
    expect(canvas.edges.map((e) => [e.data?.severity, e.markerEnd])).toEqual([
      [null, { type: "arrowclosed", width: 16, height: 16 }],
      [null, { type: "arrowclosed", width: 16, height: 16 }],
    ]);
  });

  it("gives each node the count of problems naming it, and keeps unchanged nodes as they were", () => {
    const marked = markNodes(canvas.nodes, problemsByNode(diagnostics));
    expect(marked.map((n) => [n.id, n.data.problems])).toEqual([
      ["top", { errors: 1, warnings: 0 }],
      ["trend", { errors: 2, warnings: 0 }],
      ["orphan", { errors: 0, warnings: 1 }],
    ]);
    const again = markNodes(marked, problemsByNode(diagnostics.slice(0, 2)));
    expect(again[0]).toBe(marked[0]);
    expect(again[2]?.data.problems).toEqual({ errors: 0, warnings: 0 });
  });

  it("draws edges in the colour of their worst problem, and back when it is gone", () => {
    const marked = markEdges(canvas.edges, problemsByConnection(diagnostics));
    expect(marked.map((e) => [e.data?.severity, e.className, e.markerEnd])).toEqual([
      ["error", "mapping-edge mapping-edge--error", { type: "arrowclosed", width: 16, height: 16, color: "#c4332b" }],
      [
        "warning",
        "mapping-edge mapping-edge--optional mapping-edge--warning",
        { type: "arrowclosed", width: 16, height: 16, color: "#b45309" },
      ],
    ]);
    const cleared = markEdges(marked, new Map());
    expect(cleared.map((e) => [e.className, e.markerEnd])).toEqual([
      [canvas.edges[0]?.className, canvas.edges[0]?.markerEnd],
      [canvas.edges[1]?.className, canvas.edges[1]?.markerEnd],
    ]);
    expect(markEdges(cleared, new Map())[0]).toBe(cleared[0]);
  });

  it("selects exactly the given elements", () => {
    const once = selectOnly(canvas.nodes, new Set(["trend"]));
    expect(once.map((n) => n.selected ?? false)).toEqual([false, true, false]);
    expect(once[0]).toBe(canvas.nodes[0]);
    expect(selectOnly(once, new Set(["top"])).map((n) => n.selected)).toEqual([true, false, undefined]);
  });
});

describe("sticky notes on the canvas", () => {
  it("draws each note as a note node with its text, and keeps an unchanged one on redraw", () => {
    const withNote = {
      ...deepDive,
      flow: {
        ...deepDive.flow,
        composition: {
          ...deepDive.flow.composition,
          canvas_state: { ...deepDive.flow.composition.canvas_state, notes: [{ id: "n1", text: "Why June?", position: { x: 5, y: 6 } }] },
        },
      },
    };
    const { notes } = toCanvas(withNote, catalogue);
    expect(notes).toEqual([{ id: "note:n1", type: "note", position: { x: 5, y: 6 }, data: { noteId: "n1", text: "Why June?" } }]);
    const again = toCanvas(withNote, catalogue).notes;
    expect(mergeNotes(notes, again)[0]).toBe(notes[0]);
    expect(toCanvas(deepDive, catalogue).notes).toEqual([]);
  });
});

describe("drawing a large flow: boxes before nodes are drawn", () => {
  const canvas = toCanvas(deepDive, catalogue);
  const [top, trend, orphan] = canvas.nodes as [TemplateCanvasNode, TemplateCanvasNode, TemplateCanvasNode];

  it("sizes each node by its shape: head, template line, a row per parameter", () => {
    // "Top campaigns" is labelled apart from its template (two head lines) and has three parameters.
    expect(top.measured).toEqual({ width: 220, height: 37 + 17 + 15 + 3 * 18 + 1 });
    // The trend node's label is its template's name (one head line), with two parameters.
    expect(trend.measured).toEqual({ width: 220, height: 37 + 15 + 2 * 18 + 1 });
    // A missing template: the template line says so, and there are no parameters.
    expect(orphan.measured).toEqual({ width: 220, height: 37 + 17 + 1 });
    expect(estimateBox({ ...trend.data, note: "Runs first" }).size.height).toBeGreaterThan(trend.measured?.height ?? 0);
  });

  it("puts the input and output handles halfway down and each parameter's handle on its row", () => {
    const height = trend.measured?.height ?? 0;
    expect(trend.handles?.map((h) => [h.id, h.type, h.position, h.x, h.y])).toEqual([
      [null, "target", "left", -3, height / 2 - 4],
      [null, "source", "right", 215, height / 2 - 4],
      ["param:campaign_ids", "target", "left", -2.5, 49.5],
      ["param:start_date", "target", "left", -2.5, 67.5],
    ]);
  });

  it("keeps a node's estimate until React Flow measures it, then React Flow's size and handles", () => {
    const renamed = toCanvas(
      { ...deepDive, flow: { ...deepDive.flow, nodes: deepDive.flow.nodes.map((n) => ({ ...n, node_config: { ...n.node_config, label: "Renamed" } })) } },
      catalogue,
    ).nodes;
    // Not measured yet: a changed node takes its fresh estimate; an unchanged one stays as it was.
    const [merged] = mergeNodes([top], renamed);
    expect(merged?.data.label).toBe("Renamed");
    expect(merged?.handles).toEqual(renamed[0]?.handles);
    expect(mergeNodes(canvas.nodes, toCanvas(deepDive, catalogue).nodes)).toEqual(canvas.nodes);
    expect(mergeNodes(canvas.nodes, toCanvas(deepDive, catalogue).nodes)[0]).toBe(top);

    // React Flow measured it larger: the estimate goes, and stays gone when the node changes.
    const measured = forgetEstimates(
      [{ ...top, measured: { width: 220, height: 140 }, selected: true }, trend],
      [{ id: "top", type: "dimensions", dimensions: { width: 220, height: 140 } }],
    );
    expect(measured[0]?.handles).toBeUndefined();
    expect(measured[1]).toBe(trend);
    const [afterEdit] = mergeNodes(measured, renamed);
    expect(afterEdit?.measured).toEqual({ width: 220, height: 140 });
    expect(afterEdit?.handles).toBeUndefined();
    expect(afterEdit?.selected).toBe(true);
    expect(afterEdit?.data.label).toBe("Renamed");
  });

  it("opens framed whole, at no less than the canvas's smallest zoom", () => {
    const width = 1000;
    const height = 700;
    const view = openingViewport(canvas.nodes, width, height, canvas.viewport);
    for (const node of canvas.nodes) {
      const left = node.position.x * view.zoom + view.x;
      const topEdge = node.position.y * view.zoom + view.y;
      expect(left).toBeGreaterThanOrEqual(0);
      expect(topEdge).toBeGreaterThanOrEqual(0);
      expect(left + (node.measured?.width ?? 0) * view.zoom).toBeLessThanOrEqual(width);
      expect(topEdge + (node.measured?.height ?? 0) * view.zoom).toBeLessThanOrEqual(height);
    }
    const far = [top, { ...trend, position: { x: 100_000, y: 0 } }];
    expect(openingViewport(far, width, height, canvas.viewport).zoom).toBe(0.2);
    expect(openingViewport([], width, height, canvas.viewport)).toBe(canvas.viewport);
  });
});

describe("nodes on an earlier version of their template", () => {
  // The trend template is at version 2 now (campaign ids, start date); version 1 took a category.
  const trendNow = given(templates[1]);
  const now = { ...trendNow, template: { ...trendNow.template, version: 2 } };
  const then = { ...now.template, version: 1, parameters: [{ name: "category", type: "string" as const, required: false }] };
  const versions = buildCatalogue([given(templates[0]), now, given(templates[2])], [then]);
  const onVersion = (version: number | undefined, declined?: number) => ({
    ...deepDive,
    flow: {
      ...deepDive.flow,
      nodes: deepDive.flow.nodes.map((n) =>
        n.node_id === "trend"
          ? {
              ...n,
              ...(version === undefined ? {} : { template_version: version }),
              node_config: declined === undefined ? n.node_config : { ...n.node_config, declined_template_version: declined },
            }
          : n,
      ),
    },
  });
  const trendOf = (detail: ReturnType<typeof onVersion>) => given(toCanvas(detail, versions).nodes.find((n) => n.id === "trend"));

  it("shows and takes connections by that version's parameters", () => {
    const trend = trendOf(onVersion(1));
    expect(trend.data.parameters.map((p) => p.name)).toEqual(["category"]);
    expect(trend.handles?.filter((h) => h.id !== null).map((h) => h.id)).toEqual(["param:category"]);
    // The edge into it no longer ends at campaign_ids, which version 1 does not have.
    const edge = toCanvas(onVersion(1), versions).edges.find((e) => e.id === "top_to_trend");
    expect(edge?.targetHandle).toBeNull();
  });

  it("marks a node whose template has a newer version it has not declined", () => {
    expect(trendOf(onVersion(1)).data.templateUpdate).toEqual({ from: 1, to: 2 });
    expect(trendOf(onVersion(1, 2)).data.templateUpdate).toBeNull();
    expect(trendOf(onVersion(2)).data.templateUpdate).toBeNull();
    expect(trendOf(onVersion(undefined)).data.templateUpdate).toBeNull();
  });

  it("uses the current template for a node on it, or on a version the UI does not have", () => {
    expect(trendOf(onVersion(2)).data.parameters.map((p) => p.name)).toEqual(["campaign_ids", "start_date"]);
    expect(trendOf(onVersion(7)).data.parameters.map((p) => p.name)).toEqual(["campaign_ids", "start_date"]);
  });

  it("redraws a node when its version changes", () => {
    const before = toCanvas(onVersion(1), versions).nodes;
    const after = toCanvas(onVersion(2), versions).nodes;
    const merged = mergeNodes(before, after);
    expect(merged[1]).not.toBe(before[1]);
    expect(merged[1]?.data.templateUpdate).toBeNull();
    expect(merged[0]).toBe(before[0]);
  });
});
