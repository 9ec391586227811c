// Edits of a flow as pure functions: each takes a flow and returns a new one (sharing what did
// not change), so the editor can keep every step for undo and React can compare by identity.
// Connecting two nodes, which first decides what they may join, is `connect.ts`.
import type { Connection, Flow, FlowNode, GlobalParameter, JsonValue, ParamSpec, Template } from "../api";

export type Point = { readonly x: number; readonly y: number };

/** `top campaigns!` → `top_campaigns`: a flow-local id (a lowercase letter, then `[a-z0-9_]`). */
export function slug(text: string): string {
  const words = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
  return /^[a-z]/.test(words) ? words : `n_${words}`.replace(/_+$/, "");
}

/** `base` if it is free, else `base_2`, `base_3`, …: the first not in `taken`. */
export function freshId(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let k = 2; ; k++) {
    const candidate = `${base}_${k}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** Places a node of `template` at `position`, on the template's version; its id comes from the template's. */
export function addNode(flow: Flow, template: Template, position: Point): { readonly flow: Flow; readonly nodeId: string } {
  const taken = new Set(flow.nodes.map((n) => n.node_id));
  const nodeId = freshId(slug(template.template_id.replace(/^tpl_/, "")), taken);
  const node: FlowNode = {
    node_id: nodeId,
    template_id: template.template_id,
    template_version: template.version,
    position: { x: Math.round(position.x), y: Math.round(position.y) },
    node_config: {},
    parameter_overrides: {},
    is_conditional: false,
  };
  return { flow: { ...flow, nodes: [...flow.nodes, node] }, nodeId };
}

/** How far apart placed nodes are kept: about a node's width, and a little of its height. */
export const NODE_SPACING = { x: 300, y: 60 };

/** `position`, or the first spot to its right that no node of the flow sits on. */
export function freeSpot(flow: Flow, position: Point): Point {
  const taken = (x: number) =>
    flow.nodes.some(
      (n) => Math.abs((n.position.x ?? 0) - x) < NODE_SPACING.x && Math.abs((n.position.y ?? 0) - position.y) < NODE_SPACING.y,
    );
  let x = position.x;
  while (taken(x)) x += NODE_SPACING.x;
  return { x, y: position.y };
}

/** Moves the named nodes; a flow where nothing moved is returned as it was. */
export function moveNodes(flow: Flow, positions: ReadonlyMap<string, Point>): Flow {
  return withNodes(
    editNotes(flow, positions, new Set()),
    flow.nodes.map((node) => {
      const to = positions.get(node.node_id);
      if (to === undefined || (node.position.x === to.x && node.position.y === to.y)) return node;
      return { ...node, position: { x: to.x, y: to.y } };
    }),
  );
}

/** The flow with `nodes`, or the flow itself when every node is the one it had. */
function withNodes(flow: Flow, nodes: FlowNode[]): Flow {
  return nodes.length === flow.nodes.length && nodes.every((node, i) => node === flow.nodes[i]) ? flow : { ...flow, nodes };
}

function withConnections(flow: Flow, connections: Connection[]): Flow {
  return connections.every((c, i) => c === flow.connections[i]) ? flow : { ...flow, connections };
}

/** Removes the named nodes (with every connection touching them), sticky notes and connections. */
export function removeElements(flow: Flow, nodeIds: ReadonlySet<string>, connectionIds: ReadonlySet<string>): Flow {
  flow = editNotes(flow, new Map(), nodeIds);
  const keptNodes = flow.nodes.filter((n) => !nodeIds.has(n.node_id));
  const keptConnections = flow.connections.filter(
    (c) => !connectionIds.has(c.connection_id) && !nodeIds.has(c.source_node_id) && !nodeIds.has(c.target_node_id),
  );
  // What lost nothing keeps its identity, so the canvas redraws only what changed.
  const nodes = keptNodes.length === flow.nodes.length ? flow.nodes : keptNodes;
  const connections = keptConnections.length === flow.connections.length ? flow.connections : keptConnections;
  return nodes === flow.nodes && connections === flow.connections ? flow : { ...flow, nodes, connections };
}

/** Replaces one node through `change`; the flow is returned as it was if the node is not in it. */
export function updateNode(flow: Flow, nodeId: string, change: (node: FlowNode) => FlowNode): Flow {
  return withNodes(
    flow,
    flow.nodes.map((node) => (node.node_id === nodeId ? change(node) : node)),
  );
}

/** Replaces one connection through `change` (see `updateNode`). */
export function updateConnection(flow: Flow, connectionId: string, change: (connection: Connection) => Connection): Flow {
  return withConnections(
    flow,
    flow.connections.map((c) => (c.connection_id === connectionId ? change(c) : c)),
  );
}

/**
 * A node override typed in as text, as the JSON value its parameter takes: numbers for
 * integers and decimals, booleans, JSON for json, lists split at commas. Text that does not read
 * as its type stays text, so the validator names the mistake on the node.
 */
export function valueFromText(param: Pick<ParamSpec, "type" | "list">, text: string): JsonValue {
  if (param.type === "json" && param.list !== true) {
    try {
      return JSON.parse(text) as JsonValue;
    } catch {
      return text.trim();
    }
  }
  const one = (part: string): JsonValue => {
    const trimmed = part.trim();
    if ((param.type === "integer" && /^[-+]?\d+$/.test(trimmed)) || (param.type === "decimal" && trimmed !== "" && Number.isFinite(Number(trimmed)))) {
      return Number(trimmed);
    }
    if (param.type === "boolean" && (trimmed === "true" || trimmed === "false")) return trimmed === "true";
    return trimmed;
  };
  return param.list === true ? text.split(",").map(one).filter((v) => v !== "") : one(text);
}

/** Sets (or, with `undefined`, clears) the override of one parameter of a node. */
export function setOverride(flow: Flow, nodeId: string, param: string, value: JsonValue | undefined): Flow {
  return updateNode(flow, nodeId, (node) => {
    const { [param]: old, ...rest } = node.parameter_overrides;
    if (value === undefined) return old === undefined ? node : { ...node, parameter_overrides: rest };
    return JSON.stringify(old) === JSON.stringify(value) ? node : { ...node, parameter_overrides: { ...rest, [param]: value } };
  });
}

/** Changes a node's look and run settings (label, colour, note, for-each, timeout, retries); an empty value clears it. */
export function setNodeConfig(flow: Flow, nodeId: string, patch: Partial<FlowNode["node_config"]>): Flow {
  return updateNode(flow, nodeId, (node) => {
    const before: Partial<Record<string, unknown>> = node.node_config;
    const after: Partial<Record<string, unknown>> = Object.fromEntries(
      Object.entries({ ...node.node_config, ...patch }).filter(([, value]: [string, unknown]) => value !== undefined && value !== ""),
    );
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    return [...keys].every((key) => before[key] === after[key]) ? node : { ...node, node_config: after };
  });
}

/**
 * Moves a node onto `version` of its template (the current one, when the user updates it), and
 * forgets any version it declined: the save that follows checks it against that version.
 */
export function updateTemplateVersion(flow: Flow, nodeId: string, version: number): Flow {
  return updateNode(flow, nodeId, (node) => {
    if (node.template_version === version && node.node_config.declined_template_version === undefined) return node;
    const config = { ...node.node_config };
    delete config.declined_template_version;
    return { ...node, template_version: version, node_config: config };
  });
}

/** Keeps a node on its template's version, declining `version` (a newer one): it is not offered again. */
export function declineTemplateVersion(flow: Flow, nodeId: string, version: number): Flow {
  return setNodeConfig(flow, nodeId, { declined_template_version: version });
}

/** Makes a node conditional on `expression` (CEL), or not conditional with `null`. */
export function setCondition(flow: Flow, nodeId: string, expression: string | null): Flow {
  return updateNode(flow, nodeId, (node) => {
    if (expression === null) {
      if (!node.is_conditional) return node;
      const plain = { ...node, is_conditional: false };
      delete plain.condition_expression;
      return plain;
    }
    return node.is_conditional && node.condition_expression === expression
      ? node
      : { ...node, is_conditional: true, condition_expression: expression };
  });
}

/** Changes one mapping of a connection: the column it reads, or the transformation it applies. */
export function setMapping(flow: Flow, connectionId: string, param: string, change: { column?: string; rule?: string }): Flow {
  return updateConnection(flow, connectionId, (c) => {
    const column = change.column ?? c.field_mappings[param];
    const rule = change.rule ?? c.transformation_rules[param];
    if (column === c.field_mappings[param] && rule === c.transformation_rules[param]) return c;
    return {
      ...c,
      field_mappings: column === undefined ? c.field_mappings : { ...c.field_mappings, [param]: column },
      transformation_rules: rule === undefined ? c.transformation_rules : { ...c.transformation_rules, [param]: rule },
    };
  });
}

/** Whether a connection must deliver: a failed source then skips its target. */
export function setRequired(flow: Flow, connectionId: string, required: boolean): Flow {
  return updateConnection(flow, connectionId, (c) => (c.is_required === required ? c : { ...c, is_required: required }));
}

/** Nodes and sticky notes copied from a flow, with the connections between the nodes, ready to paste into any flow. */
export type Clip = {
  readonly nodes: readonly FlowNode[];
  readonly connections: readonly Connection[];
  readonly notes: Notes;
  /** The earlier template versions the nodes are on (pasted nodes keep theirs), to draw them by in another flow. */
  readonly pinned?: readonly Template[];
};

/** The named nodes and sticky notes (by canvas id) and every connection with both ends among them. */
export function copyNodes(flow: Flow, canvasIds: ReadonlySet<string>): Clip {
  return {
    nodes: flow.nodes.filter((n) => canvasIds.has(n.node_id)),
    connections: flow.connections.filter((c) => canvasIds.has(c.source_node_id) && canvasIds.has(c.target_node_id)),
    notes: (flow.composition.canvas_state.notes ?? []).filter((n) => canvasIds.has(noteNodeId(n.id))),
  };
}

/**
 * Pastes `clip` into `flow`, moved by `offset`: ids already taken are renamed (`top` → `top_2`),
 * connections follow their nodes' new ids. Returns the pasted nodes' ids.
 */
export function pasteClip(flow: Flow, clip: Clip, offset: Point): { readonly flow: Flow; readonly nodeIds: readonly string[] } {
  const moved = ({ x, y }: FlowNode["position"]) => ({ x: (x ?? 0) + offset.x, y: (y ?? 0) + offset.y });
  const takenNodes = new Set(flow.nodes.map((n) => n.node_id));
  const renamed = new Map<string, string>();
  const nodes = clip.nodes.map((node) => {
    const id = freshId(node.node_id, takenNodes);
    takenNodes.add(id);
    renamed.set(node.node_id, id);
    return { ...node, node_id: id, position: moved(node.position) };
  });
  const takenConnections = new Set(flow.connections.map((c) => c.connection_id));
  const connections = clip.connections.map((c) => {
    const id = freshId(c.connection_id, takenConnections);
    takenConnections.add(id);
    return {
      ...c,
      connection_id: id,
      source_node_id: renamed.get(c.source_node_id) ?? c.source_node_id,
      target_node_id: renamed.get(c.target_node_id) ?? c.target_node_id,
    };
  });
  const pasted = { ...flow, nodes: [...flow.nodes, ...nodes], connections: [...flow.connections, ...connections] };
  const notes = flow.composition.canvas_state.notes ?? [];
  const takenNotes = new Set(notes.map((n) => n.id));
  const newNotes = clip.notes.map((note) => {
    const id = freshId(note.id, takenNotes);
    takenNotes.add(id);
    return { ...note, id, position: moved(note.position) };
  });
  return {
    flow: newNotes.length === 0 ? pasted : withNotes(pasted, [...notes, ...newNotes]),
    nodeIds: nodes.map((n) => n.node_id),
  };
}

/** A new global parameter (a string named `param`, `param_2`, …) added to the flow. */
export function addGlobal(flow: Flow): Flow {
  const taken = new Set(flow.composition.global_parameters.map((g) => g.name));
  const added: GlobalParameter = { name: freshId("param", taken), type: "string" };
  return withComposition(flow, { global_parameters: [...flow.composition.global_parameters, added] });
}

/** Changes the global parameter at `index`; a changed type or list-ness drops a default that no longer fits. */
export function updateGlobal(flow: Flow, index: number, patch: Partial<GlobalParameter>): Flow {
  const globals = flow.composition.global_parameters;
  const old = globals[index];
  if (old === undefined) return flow;
  const next: GlobalParameter = { ...old, ...patch };
  if ((patch.type !== undefined && patch.type !== old.type) || (patch.list !== undefined && patch.list !== old.list)) {
    if (!("default" in patch)) delete next.default;
  }
  if (JSON.stringify(next) === JSON.stringify(old)) return flow;
  return withComposition(flow, { global_parameters: globals.map((g, i) => (i === index ? next : g)) });
}

export function removeGlobal(flow: Flow, index: number): Flow {
  const globals = flow.composition.global_parameters;
  if (index < 0 || index >= globals.length) return flow;
  return withComposition(flow, { global_parameters: globals.filter((_, i) => i !== index) });
}

/** The flow's tags: trimmed, lowercase, without repeats or empties. */
export function setTags(flow: Flow, tags: readonly string[]): Flow {
  const clean = [...new Set(tags.map((t) => t.trim().toLowerCase()).filter(Boolean))];
  const same = clean.length === flow.composition.tags.length && clean.every((t, i) => t === flow.composition.tags[i]);
  return same ? flow : withComposition(flow, { tags: clean });
}

function withComposition(flow: Flow, patch: Partial<Flow["composition"]>): Flow {
  return { ...flow, composition: { ...flow.composition, ...patch } };
}

/** Sticky notes sit on the canvas as nodes whose ids carry this prefix. */
const NOTE_PREFIX = "note:";

/** The canvas id of the sticky note `id`. */
export function noteNodeId(id: string): string {
  return `${NOTE_PREFIX}${id}`;
}

/** The sticky note a canvas id stands for, or null for a flow node. */
export function noteIdOf(canvasId: string): string | null {
  return canvasId.startsWith(NOTE_PREFIX) ? canvasId.slice(NOTE_PREFIX.length) : null;
}

type Notes = NonNullable<Flow["composition"]["canvas_state"]["notes"]>;

function withNotes(flow: Flow, notes: Notes): Flow {
  return withComposition(flow, { canvas_state: { ...flow.composition.canvas_state, notes } });
}

/** A new, empty sticky note at `position`. */
export function addNote(flow: Flow, position: Point): { readonly flow: Flow; readonly noteId: string } {
  const notes = flow.composition.canvas_state.notes ?? [];
  const noteId = freshId("note", new Set(notes.map((n) => n.id)));
  const note = { id: noteId, text: "", position: { x: Math.round(position.x), y: Math.round(position.y) } };
  return { flow: withNotes(flow, [...notes, note]), noteId };
}

/** Changes a sticky note's text; the flow is returned as it was when nothing changed. */
export function setNoteText(flow: Flow, noteId: string, text: string): Flow {
  const notes = flow.composition.canvas_state.notes ?? [];
  const note = notes.find((n) => n.id === noteId);
  if (note === undefined || note.text === text) return flow;
  return withNotes(
    flow,
    notes.map((n) => (n === note ? { ...n, text } : n)),
  );
}

/** Moves and removes sticky notes named by canvas id (see `moveNodes`, `removeElements`). */
function editNotes(flow: Flow, positions: ReadonlyMap<string, Point>, removed: ReadonlySet<string>): Flow {
  const notes = flow.composition.canvas_state.notes ?? [];
  const next = notes
    .filter((n) => !removed.has(noteNodeId(n.id)))
    .map((n) => {
      const to = positions.get(noteNodeId(n.id));
      return to === undefined || (to.x === n.position.x && to.y === n.position.y) ? n : { ...n, position: { x: to.x, y: to.y } };
    });
  return next.length === notes.length && next.every((n, i) => n === notes[i]) ? flow : withNotes(flow, next);
}
