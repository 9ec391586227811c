import { describe, expect, it } from "vitest";
import type { Flow, Template } from "../api";
import { deepDive, template, templates } from "../testing/fixtures";
import {
  addGlobal,
  addNote,
  noteIdOf,
  noteNodeId,
  setNoteText,
  removeGlobal,
  setTags,
  updateGlobal,
  addNode,
  copyNodes,
  declineTemplateVersion,
  freeSpot,
  freshId,
  moveNodes,
  pasteClip,
  removeElements,
  setCondition,
  setMapping,
  setNodeConfig,
  setOverride,
  setRequired,
  slug,
  updateTemplateVersion,
  valueFromText,
} from "./edit";
import { connect, connectProblem, reaches } from "./connect";
import type { Catalogue } from "./catalogue";
import { buildCatalogue } from "./catalogue";

const flow: Flow = deepDive.flow;

/** The value, which the test's own data guarantees is there. */
function given<T>(value: T | undefined): T {
  if (value === undefined) throw new Error("missing test data");
  return value;
}

function withColumns(t: Template, columns: Template["output_columns"]): Template {
  return { ...t, output_columns: columns };
}

// Top campaigns outputs a campaign id and its spend; the trend and products templates take lists of ids.
const catalogued: Template[] = [
  withColumns(given(templates[0]).template, [
    { name: "spend", type: "decimal" },
    { name: "campaign_id", type: "string" },
  ]),
  given(templates[1]).template,
  given(templates[2]).template,
  template("tpl_budget", "Budget check", [{ name: "max_spend", type: "decimal", required: true }]).template,
];

/** A catalogue of these templates, all active, with the earlier versions `pinned`. */
function catalogueOf(list: readonly Template[], pinned: readonly Template[] = []): Catalogue {
  return buildCatalogue(
    list.map((t) => ({ template: t, usage_count: 0, is_active: true })),
    pinned,
  );
}

const catalogue = catalogueOf(catalogued);
const products = given(catalogued[2]);

describe("ids", () => {
  it("slugs free text into a flow-local id", () => {
    expect(slug("Top campaigns!")).toBe("top_campaigns");
    expect(slug("2026 review")).toBe("n_2026_review");
  });

  it("numbers an id that is taken", () => {
    expect(freshId("top", new Set())).toBe("top");
    expect(freshId("top", new Set(["top", "top_2"]))).toBe("top_3");
  });
});

describe("addNode", () => {
  it("places a node named after its template, numbered when the name is taken", () => {
    const t = given(catalogued[1]);
    const first = addNode(flow, t, { x: 10.4, y: 20.6 });
    const second = addNode(first.flow, t, { x: 0, y: 0 });
    expect(first.nodeId).toBe("daily_trend");
    expect(second.nodeId).toBe("daily_trend_2");
    expect(second.flow.nodes.at(-1)).toMatchObject({ template_id: "tpl_daily_trend", position: { x: 0, y: 0 } });
    expect(first.flow.nodes.at(-1)?.position).toEqual({ x: 10, y: 21 });
    expect(flow.nodes).toHaveLength(3);
  });

  it("pins the node to the template's current version", () => {
    const t = { ...given(catalogued[1]), version: 4 };
    expect(addNode(flow, t, { x: 0, y: 0 }).flow.nodes.at(-1)?.template_version).toBe(4);
  });
});

describe("freeSpot", () => {
  it("keeps a free position and moves a taken one to the right of the nodes there", () => {
    expect(freeSpot(flow, { x: 0, y: 600 })).toEqual({ x: 0, y: 600 });
    // "top" sits at (0, 160) and "trend" at (380, 0).
    expect(freeSpot(flow, { x: 10, y: 170 })).toEqual({ x: 310, y: 170 });
    expect(freeSpot(flow, { x: 200, y: 20 })).toEqual({ x: 800, y: 20 });
  });
});

describe("moveNodes and removeElements", () => {
  it("moves only the named nodes and keeps the flow when nothing moved", () => {
    const moved = moveNodes(flow, new Map([["trend", { x: 5, y: 6 }]]));
    expect(moved.nodes[1]?.position).toEqual({ x: 5, y: 6 });
    expect(moved.nodes[0]).toBe(flow.nodes[0]);
    expect(moveNodes(flow, new Map([["trend", { x: 380, y: 0 }]]))).toBe(flow);
  });

  it("removes a node with every connection touching it", () => {
    const removed = removeElements(flow, new Set(["top"]), new Set());
    expect(removed.nodes.map((n) => n.node_id)).toEqual(["trend", "orphan"]);
    expect(removed.connections).toEqual([]);
  });

  it("removes a connection alone", () => {
    const removed = removeElements(flow, new Set(), new Set(["top_to_trend"]));
    expect(removed.nodes).toBe(flow.nodes);
    expect(removed.connections.map((c) => c.connection_id)).toEqual(["top_to_orphan"]);
  });
});

describe("connect", () => {
  // A flow of three unconnected nodes: top campaigns, a trend and a budget check.
  const loose: Flow = {
    ...flow,
    nodes: [given(flow.nodes[0]), given(flow.nodes[1]), { ...given(flow.nodes[1]), node_id: "budget", template_id: "tpl_budget" }],
    connections: [],
  };

  it("maps the column named like a list parameter through distinct_list", () => {
    const done = connect(loose, catalogue, { source: "top", target: "trend", param: "campaign_ids" });
    expect(done).toMatchObject({ ok: true, connectionId: "top_to_trend" });
    if (!done.ok) return;
    expect(done.flow.connections).toEqual([
      {
        connection_id: "top_to_trend",
        source_node_id: "top",
        target_node_id: "trend",
        field_mappings: { campaign_ids: "campaign_id" },
        transformation_rules: { campaign_ids: "distinct_list" },
        is_required: true,
      },
    ]);
  });

  it("feeds a single value through first, from a column of a fitting type", () => {
    const done = connect(loose, catalogue, { source: "top", target: "budget", param: null });
    expect(done.ok && done.flow.connections[0]).toMatchObject({
      field_mappings: { max_spend: "spend" },
      transformation_rules: { max_spend: "first" },
    });
  });

  it("refuses a parameter no column of the source fits", () => {
    const request = { source: "top", target: "trend", param: "start_date" };
    expect(connectProblem(loose, catalogue, request)).toBe("Top campaigns by spend has no date column for start_date");
    expect(connect(loose, catalogue, request)).toEqual({ ok: false, reason: connectProblem(loose, catalogue, request) });
  });

  it("refuses a connection that would close a cycle, naming the nodes", () => {
    const joined = connect(loose, catalogue, { source: "top", target: "trend", param: "campaign_ids" });
    if (!joined.ok) throw new Error(joined.reason);
    expect(reaches(joined.flow, "top", "trend")).toBe(true);
    expect(connectProblem(joined.flow, catalogue, { source: "trend", target: "top", param: null })).toBe(
      "That would make a cycle: trend already depends on top",
    );
    expect(connectProblem(joined.flow, catalogue, { source: "top", target: "top", param: null })).toBe("A node cannot feed itself");
  });

  it("feeds a list parameter from several nodes, a single value from one, and joins a second mapping into the existing connection", () => {
    const once = connect(loose, catalogue, { source: "top", target: "trend", param: "campaign_ids" });
    if (!once.ok) throw new Error(once.reason);
    // A list takes a connection from another node too (the run unions their values)…
    expect(connectProblem(once.flow, catalogue, { source: "budget", target: "trend", param: "campaign_ids" })).toBeNull();
    const both = connect(once.flow, catalogue, { source: "budget", target: "trend", param: "campaign_ids" });
    expect(both.ok && both.flow.connections.map((c) => [c.connection_id, c.source_node_id, c.field_mappings])).toEqual([
      ["top_to_trend", "top", { campaign_ids: "campaign_id" }],
      ["budget_to_trend", "budget", { campaign_ids: "campaign_id" }],
    ]);
    // … and dropping on the node picks it when no open parameter fits.
    const withSecondTop: Flow = { ...once.flow, nodes: [...once.flow.nodes, { ...given(once.flow.nodes[0]), node_id: "top2" }] };
    const dropped = connect(withSecondTop, catalogue, { source: "top2", target: "trend", param: null });
    expect(dropped.ok && dropped.flow.connections.at(-1)?.field_mappings).toEqual({ campaign_ids: "campaign_id" });
    // … but never twice from one node.
    expect(connectProblem(once.flow, catalogue, { source: "top", target: "trend", param: "campaign_ids" })).toBe(
      "campaign_ids is already fed by top",
    );
    const twoParams = catalogueOf([...catalogued, { ...products, template_id: "tpl_daily_trend" }]);
    const twice = connect(once.flow, twoParams, { source: "top", target: "trend", param: "category" });
    expect(twice.ok && twice.flow.connections).toEqual([
      expect.objectContaining({
        connection_id: "top_to_trend",
        field_mappings: { campaign_ids: "campaign_id", category: "campaign_id" },
        transformation_rules: { campaign_ids: "distinct_list", category: "first" },
      }),
    ]);
    if (!twice.ok) return;
    // A single value takes one connection.
    expect(connectProblem(twice.flow, twoParams, { source: "budget", target: "trend", param: "category" })).toBe(
      "category takes a single value and is already fed by top",
    );
  });
});

describe("connecting into a data-table node", () => {
  const table: Template = { ...products, template_id: "tpl_data_table", name: "Data table", kind: "data_table" };
  const withTable = catalogueOf([...catalogued, table]);
  const loose: Flow = {
    ...flow,
    nodes: [...flow.nodes, { ...given(flow.nodes[1]), node_id: "save", template_id: "tpl_data_table" }],
    connections: [],
  };

  it("carries the whole result when dropped on the node, not a column", () => {
    const done = connect(loose, withTable, { source: "top", target: "save", param: null });
    expect(done.ok && done.flow.connections).toEqual([
      {
        connection_id: "top_to_save",
        source_node_id: "top",
        target_node_id: "save",
        field_mappings: {},
        transformation_rules: {},
        is_required: true,
      },
    ]);
    if (!done.ok) return;
    expect(connect(done.flow, withTable, { source: "top", target: "save", param: null })).toEqual({
      ok: true,
      flow: done.flow,
      connectionId: "top_to_save",
    });
    expect(connectProblem(done.flow, withTable, { source: "trend", target: "save", param: null })).toBe(
      "save already takes its rows from top",
    );
  });

  it("still maps a column into one of its parameters dropped there", () => {
    const done = connect(loose, withTable, { source: "top", target: "save", param: "campaign_ids" });
    expect(done.ok && done.flow.connections[0]?.field_mappings).toEqual({ campaign_ids: "campaign_id" });
  });
});

describe("the inspector's edits", () => {
  it("reads typed text as the parameter's JSON value, leaving what does not fit as text", () => {
    expect(valueFromText({ type: "integer" }, " 20 ")).toBe(20);
    expect(valueFromText({ type: "integer" }, "twenty")).toBe("twenty");
    expect(valueFromText({ type: "decimal" }, "0.015")).toBe(0.015);
    expect(valueFromText({ type: "boolean" }, "true")).toBe(true);
    expect(valueFromText({ type: "date" }, "2026-06-01")).toBe("2026-06-01");
    expect(valueFromText({ type: "string", list: true }, "a, b,, c")).toEqual(["a", "b", "c"]);
    expect(valueFromText({ type: "integer", list: true }, "1, 2")).toEqual([1, 2]);
    expect(valueFromText({ type: "json" }, '[{"name": "age", "data_type": "integer"}]')).toEqual([{ name: "age", data_type: "integer" }]);
    expect(valueFromText({ type: "json" }, "[{name: age}]")).toBe("[{name: age}]");
  });

  it("sets and clears an override, and setting the same value changes nothing", () => {
    const set = setOverride(flow, "trend", "start_date", "2026-06-02");
    expect(set.nodes[1]?.parameter_overrides).toEqual({ start_date: "2026-06-02" });
    expect(setOverride(set, "trend", "start_date", "2026-06-02")).toBe(set);
    const cleared = setOverride(flow, "top", "end_date", undefined);
    expect(cleared.nodes[0]?.parameter_overrides).toEqual({});
  });

  it("changes a node's settings, an empty value clearing one", () => {
    const labelled = setNodeConfig(flow, "trend", { label: "Trend", retries: 2 });
    expect(labelled.nodes[1]?.node_config).toEqual({ label: "Trend", retries: 2 });
    expect(setNodeConfig(labelled, "trend", { label: "" }).nodes[1]?.node_config).toEqual({ retries: 2 });
    expect(setNodeConfig(labelled, "trend", { label: "Trend" })).toBe(labelled);
  });

  it("makes a node conditional and back", () => {
    const conditional = setCondition(flow, "trend", "upstream.top.row_count > 0");
    expect(conditional.nodes[1]).toMatchObject({ is_conditional: true, condition_expression: "upstream.top.row_count > 0" });
    const plain = setCondition(conditional, "trend", null);
    expect(plain.nodes[1]?.is_conditional).toBe(false);
    expect(plain.nodes[1] && "condition_expression" in plain.nodes[1]).toBe(false);
  });

  it("changes a mapping's column or transformation, and whether the connection is required", () => {
    const first = setMapping(flow, "top_to_trend", "campaign_ids", { rule: "list" });
    expect(first.connections[0]?.transformation_rules).toEqual({ campaign_ids: "list" });
    const column = setMapping(first, "top_to_trend", "campaign_ids", { column: "other_id" });
    expect(column.connections[0]?.field_mappings).toEqual({ campaign_ids: "other_id" });
    expect(setRequired(flow, "top_to_trend", false).connections[0]?.is_required).toBe(false);
    expect(setRequired(flow, "top_to_trend", true)).toBe(flow);
  });
});

describe("copy and paste", () => {
  it("copies the nodes with the connections between them only", () => {
    const clip = copyNodes(flow, new Set(["top", "trend"]));
    expect(clip.nodes.map((n) => n.node_id)).toEqual(["top", "trend"]);
    expect(clip.connections.map((c) => c.connection_id)).toEqual(["top_to_trend"]);
  });

  it("pastes into the same flow under fresh ids, moved, its connection following", () => {
    const pasted = pasteClip(flow, copyNodes(flow, new Set(["top", "trend"])), { x: 40, y: 40 });
    expect(pasted.nodeIds).toEqual(["top_2", "trend_2"]);
    expect(pasted.flow.nodes.slice(3).map((n) => [n.node_id, n.position])).toEqual([
      ["top_2", { x: 40, y: 200 }],
      ["trend_2", { x: 420, y: 40 }],
    ]);
    expect(pasted.flow.connections.at(-1)).toMatchObject({
      connection_id: "top_to_trend_2",
      source_node_id: "top_2",
      target_node_id: "trend_2",
      field_mappings: { campaign_ids: "campaign_id" },
    });
    expect(pasted.flow.nodes.at(-2)?.parameter_overrides).toEqual({ end_date: "2026-06-30" });
  });

  it("copies and pastes sticky notes with the nodes, renamed and moved alike", () => {
    const noted = addNote(addNote(flow, { x: 10, y: 20 }).flow, { x: 500, y: 0 }).flow;
    const clip = copyNodes(noted, new Set(["top", noteNodeId("note")]));
    expect(clip.notes.map((n) => n.id)).toEqual(["note"]);
    const pasted = pasteClip(noted, clip, { x: 40, y: 40 });
    expect(pasted.flow.composition.canvas_state.notes?.map((n) => [n.id, n.position])).toEqual([
      ["note", { x: 10, y: 20 }],
      ["note_2", { x: 500, y: 0 }],
      ["note_3", { x: 50, y: 60 }],
    ]);
    expect(pasted.nodeIds).toEqual(["top_2"]);
  });

  it("pastes into another flow keeping ids that are free there", () => {
    const empty: Flow = { ...flow, nodes: [], connections: [] };
    const pasted = pasteClip(empty, copyNodes(flow, new Set(["top", "trend"])), { x: 0, y: 0 });
    expect(pasted.nodeIds).toEqual(["top", "trend"]);
    expect(pasted.flow.connections.map((c) => c.connection_id)).toEqual(["top_to_trend"]);
  });
});

describe("the flow's global parameters and tags", () => {
  it("adds, changes and removes global parameters", () => {
    const added = addGlobal(addGlobal(flow));
    expect(added.composition.global_parameters.map((g) => g.name)).toEqual(["start_date", "param", "param_2"]);
    const renamed = updateGlobal(added, 1, { name: "region", default: "EU" });
    expect(renamed.composition.global_parameters[1]).toEqual({ name: "region", type: "string", default: "EU" });
    // A new type drops the default that was written for the old one.
    expect(updateGlobal(renamed, 1, { type: "integer" }).composition.global_parameters[1]).toEqual({ name: "region", type: "integer" });
    expect(updateGlobal(renamed, 1, { name: "region" })).toBe(renamed);
    expect(removeGlobal(renamed, 0).composition.global_parameters.map((g) => g.name)).toEqual(["region", "param_2"]);
  });

  it("keeps tags trimmed, lowercase and unique", () => {
    expect(setTags(flow, [" Weekly", "campaigns", "weekly", ""]).composition.tags).toEqual(["weekly", "campaigns"]);
    expect(setTags(flow, ["campaigns"])).toBe(flow);
  });
});

describe("sticky notes", () => {
  it("adds, writes, moves and removes a note, beside the nodes", () => {
    const added = addNote(flow, { x: 10.2, y: 20.7 });
    expect(added.noteId).toBe("note");
    expect(addNote(added.flow, { x: 0, y: 0 }).noteId).toBe("note_2");
    const written = setNoteText(added.flow, "note", "Check the June spike");
    expect(written.composition.canvas_state.notes).toEqual([{ id: "note", text: "Check the June spike", position: { x: 10, y: 21 } }]);
    expect(setNoteText(written, "note", "Check the June spike")).toBe(written);

    const moved = moveNodes(written, new Map([[noteNodeId("note"), { x: 5, y: 5 }], ["top", { x: 1, y: 1 }]]));
    expect(moved.composition.canvas_state.notes?.[0]?.position).toEqual({ x: 5, y: 5 });
    expect(moved.nodes[0]?.position).toEqual({ x: 1, y: 1 });

    const removed = removeElements(moved, new Set([noteNodeId("note")]), new Set());
    expect(removed.composition.canvas_state.notes).toEqual([]);
    expect(removed.nodes).toBe(moved.nodes);
    expect(noteIdOf(noteNodeId("note"))).toBe("note");
    expect(noteIdOf("top")).toBeNull();
  });
});

describe("template versions", () => {
  // "trend" is on version 1 of its template, which is at version 2 now.
  const pinned: Flow = {
    ...flow,
    nodes: flow.nodes.map((n) => (n.node_id === "trend" ? { ...n, template_version: 1 } : n)),
  };
  const trendOf = (f: Flow) => given(f.nodes.find((n) => n.node_id === "trend"));

  it("updates a node to a version in a new flow, leaving the old one as it was (for undo)", () => {
    const declined = declineTemplateVersion(pinned, "trend", 2);
    const updated = updateTemplateVersion(declined, "trend", 2);
    expect(updated).not.toBe(declined);
    expect(trendOf(updated).template_version).toBe(2);
    expect(trendOf(updated).node_config).toEqual({});
    expect(trendOf(declined)).toMatchObject({ template_version: 1, node_config: { declined_template_version: 2 } });
    // The other nodes keep their identity.
    expect(updated.nodes[0]).toBe(pinned.nodes[0]);
  });

  it("keeps a node's version by declining the newer one, in a new flow", () => {
    const kept = declineTemplateVersion(pinned, "trend", 2);
    expect(kept).not.toBe(pinned);
    expect(trendOf(kept)).toMatchObject({ template_version: 1, node_config: { declined_template_version: 2 } });
    expect(trendOf(pinned).node_config).toEqual({});
  });

  it("returns the flow as it was when nothing changes", () => {
    const kept = declineTemplateVersion(pinned, "trend", 2);
    expect(declineTemplateVersion(kept, "trend", 2)).toBe(kept);
    const updated = updateTemplateVersion(pinned, "trend", 2);
    expect(updateTemplateVersion(updated, "trend", 2)).toBe(updated);
    expect(updateTemplateVersion(pinned, "no_such_node", 2)).toBe(pinned);
  });

  it("connects into the parameters of the version a node is on", () => {
    // Version 1 of the trend template took a category; version 2 (now) takes campaign ids.
    const trendNow = { ...given(catalogued[1]), version: 2 };
    const trendThen: Template = { ...trendNow, version: 1, parameters: [{ name: "category", type: "string", required: true }] };
    const versions = catalogueOf([...catalogued.filter((t) => t.template_id !== "tpl_daily_trend"), trendNow], [trendThen]);
    const loose = { ...pinned, connections: [] };
    expect(connectProblem(loose, versions, { source: "top", target: "trend", param: "campaign_ids" })).toBe(
      "Daily campaign performance has no parameter campaign_ids",
    );
    const done = connect(loose, versions, { source: "top", target: "trend", param: null });
    expect(done.ok && done.flow.connections[0]?.field_mappings).toEqual({ category: "campaign_id" });
    const updated = updateTemplateVersion(loose, "trend", 2);
    expect(connectProblem(updated, versions, { source: "top", target: "trend", param: "campaign_ids" })).toBeNull();
  });

  it("pastes nodes with the versions they were copied on", () => {
    const pasted = pasteClip(flow, copyNodes(pinned, new Set(["trend"])), { x: 0, y: 0 });
    expect(pasted.flow.nodes.at(-1)).toMatchObject({ node_id: "trend_2", template_version: 1 });
  });
});
