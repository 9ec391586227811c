// Turns a stored flow plus the template catalogue into React Flow nodes and edges (`toCanvas`),
// and marks them with the flow's problems (`markNodes`, `markEdges`) or a selection (`selectOnly`).
// Pure: no React, no IPC, so what the canvas shows is unit-tested here.
import { Position, getNodesBounds, getViewportForBounds, type Edge, type EdgeMarker, type Node, type NodeChange, type NodeHandle, type Viewport } from "@xyflow/react";
import type { Connection, FlowDetail, FlowNode, JsonValue, ScalarType, Severity, Template } from "../api";
import { nodeTemplate, templateUpdate, type Catalogue } from "./catalogue";
import { noteNodeId } from "./edit";
import { formatValue } from "./format";
import { connectionMappings, mappingLabel, type Mapping } from "./mapping";
import { PROBLEM_COLORS, noProblems, sameCount, worstSeverity, type ProblemCount } from "./problems";
import { LOCAL_SOURCE } from "./sources";

/** Where a node's parameter gets its value from, in the order the canvas gives them precedence. */
export type ParameterSource =
  | { readonly kind: "upstream"; readonly fromNodeLabel: string; readonly column: string }
  | { readonly kind: "override"; readonly value: string }
  | { readonly kind: "global" }
  | { readonly kind: "default"; readonly value: string }
  | { readonly kind: "unset" };

export type NodeParameter = {
  readonly name: string;
  readonly type: ScalarType;
  readonly list: boolean;
  readonly required: boolean;
  readonly source: ParameterSource;
};

/** `ok`, or why the node's template cannot be used as it stands. */
export type TemplateStatus = "ok" | "missing" | "inactive";

/** Everything a canvas node shows. One shape for every node, whatever its template's state. */
export type TemplateNodeData = {
  readonly nodeId: string;
  readonly label: string;
  /** The template's name, or its id when the catalogue does not have it. */
  readonly templateName: string;
  readonly templateStatus: TemplateStatus;
  /** The data source its template runs on (`src_local` unless the template names another). */
  readonly sourceId: string;
  readonly parameters: readonly NodeParameter[];
  /** `node_config.color`, or null for the default accent. */
  readonly accent: string | null;
  readonly note: string | null;
  /** How many of the flow's diagnostics name this node. */
  readonly problems: ProblemCount;
  /** A newer version of its template the node is not on and has not declined (`v1 → v2`), or null. */
  readonly templateUpdate: { readonly from: number; readonly to: number } | null;
};

export type TemplateCanvasNode = Node<TemplateNodeData, "template">;

/** A sticky note on the canvas. */
export type NoteNodeData = { readonly noteId: string; readonly text: string };
export type NoteCanvasNode = Node<NoteNodeData, "note">;

/** What React Flow holds: the flow's nodes and its sticky notes. */
export type CanvasNode = TemplateCanvasNode | NoteCanvasNode;

export type MappingEdgeData = {
  readonly mappings: readonly Mapping[];
  readonly required: boolean;
  /** The worst diagnostic naming this connection, or null. */
  readonly severity: Severity | null;
};
export type MappingCanvasEdge = Edge<MappingEdgeData, "mapping">;

export type Canvas = {
  readonly nodes: TemplateCanvasNode[];
  readonly notes: NoteCanvasNode[];
  readonly edges: MappingCanvasEdge[];
  readonly viewport: Viewport;
};

type Upstream = { readonly fromNodeLabel: string; readonly column: string };

/** A node's label: its own `node_config.label`, else its template's name, else its id. */
export function nodeLabel(
  node: Pick<FlowNode, "node_id" | "node_config">,
  template: Pick<Template, "name"> | undefined,
): string {
  const own = node.node_config.label?.trim();
  if (own) return own;
  const templateName = template?.name.trim();
  if (templateName) return templateName;
  return node.node_id;
}

function parameterSource(
  name: string,
  templateDefault: JsonValue | undefined,
  overrides: Partial<Record<string, JsonValue>>,
  upstream: Upstream | undefined,
  globals: ReadonlySet<string>,
): ParameterSource {
  if (upstream) return { kind: "upstream", ...upstream };
  const override = overrides[name];
  if (override !== undefined) return { kind: "override", value: formatValue(override) };
  if (globals.has(name)) return { kind: "global" };
  if (templateDefault !== undefined && templateDefault !== null) {
    return { kind: "default", value: formatValue(templateDefault) };
  }
  return { kind: "unset" };
}

/** For each target node, which of its parameters are fed by which upstream column. */
function incomingMappings(
  connections: readonly Connection[],
  labels: ReadonlyMap<string, string>,
): Map<string, Map<string, Upstream>> {
  const byNode = new Map<string, Map<string, Upstream>>();
  for (const connection of connections) {
    const incoming = byNode.get(connection.target_node_id) ?? new Map<string, Upstream>();
    const fromNodeLabel = labels.get(connection.source_node_id) ?? connection.source_node_id;
    for (const mapping of connectionMappings(connection)) {
      incoming.set(mapping.targetParam, { fromNodeLabel, column: mapping.sourceColumn });
    }
    byNode.set(connection.target_node_id, incoming);
  }
  return byNode;
}

/**
 * A template node's box in flow pixels, as styles/canvas.css sets it (change them together): a
 * fixed width; a head (top border, padding, an 18px label line) with a 17px template line when
 * the label is not the template's name; the parameter list (border, padding) with an 18px row
 * per parameter; a note (wraps, so only a guess); the bottom border.
 */
const NODE_BOX = { width: 220, head: 37, templateLine: 17, params: 15, row: 18, note: 32, border: 1 } as const;

export type NodeSize = { readonly width: number; readonly height: number };

/** Whether a node has its template's line under its label: not when the label already is the usable template's name. */
export function showsTemplateLine(data: Pick<TemplateNodeData, "label" | "templateName" | "templateStatus">): boolean {
  return data.label !== data.templateName || data.templateStatus !== "ok";
}

/**
 * A node's box and handles before it is drawn, given to React Flow as if measured. React Flow
 * draws every node it has no size and handles for, to measure it, and would draw all of a large
 * flow on opening; with these it draws only the nodes in view, and edges to the others end
 * where they will. A drawn node whose real size differs is measured again, and React Flow's
 * size and handles then replace these (`forgetEstimates`).
 */
export function estimateBox(data: TemplateNodeData): { size: NodeSize; handles: NodeHandle[] } {
  const head = NODE_BOX.head + (showsTemplateLine(data) ? NODE_BOX.templateLine : 0);
  const rows = data.parameters.length;
  const height =
    head + (rows > 0 ? NODE_BOX.params + rows * NODE_BOX.row : 0) + (data.note === null ? 0 : NODE_BOX.note) + NODE_BOX.border;
  const end = { width: 8, height: 8, y: height / 2 - 4 };
  return {
    size: { width: NODE_BOX.width, height },
    handles: [
      { id: null, type: "target", position: Position.Left, x: -3, ...end },
      { id: null, type: "source", position: Position.Right, x: NODE_BOX.width - 5, ...end },
      ...data.parameters.map((param, i): NodeHandle => ({
        id: parameterHandle(param.name),
        type: "target",
        position: Position.Left,
        x: -2.5,
        y: head + 7 + i * NODE_BOX.row + NODE_BOX.row / 2 - 3.5,
        width: 7,
        height: 7,
      })),
    ],
  };
}

/** The canvas's zoom range. */
export const ZOOM = { min: 0.2, max: 2 } as const;

/** How the whole flow is framed: room at the bottom keeps the minimap and controls off the nodes. */
export const FIT_WHOLE_FLOW = {
  padding: { top: "40px", left: "56px", right: "40px", bottom: "130px" },
  maxZoom: 1.1,
  duration: 200,
} as const;

/** The view a flow opens with: the whole flow framed in a canvas of `width` × `height` pixels. */
export function openingViewport(nodes: readonly Node[], width: number, height: number, saved: Viewport): Viewport {
  if (nodes.length === 0 || width <= 0 || height <= 0) return saved;
  return getViewportForBounds(getNodesBounds([...nodes]), width, height, ZOOM.min, FIT_WHOLE_FLOW.maxZoom, FIT_WHOLE_FLOW.padding);
}

/** A node's size: as measured once drawn, else as estimated. */
export function nodeSize(node: Pick<Node, "measured" | "width" | "height">): NodeSize {
  return { width: node.measured?.width ?? node.width ?? 0, height: node.measured?.height ?? node.height ?? 0 };
}

/**
 * The nodes after React Flow's `changes`, without the estimated handles of any node it has just
 * measured: React Flow would otherwise put the estimates back each time the node changes.
 */
export function forgetEstimates<N extends Node>(nodes: N[], changes: readonly NodeChange<N>[]): N[] {
  const measured = new Set(changes.flatMap((c) => (c.type === "dimensions" && c.dimensions !== undefined ? [c.id] : [])));
  if (measured.size === 0) return nodes;
  return nodes.map((node) => (measured.has(node.id) && node.handles !== undefined ? withoutHandles(node) : node));
}

function withoutHandles<N extends Node>(node: N): N {
  const copy = { ...node };
  delete copy.handles;
  return copy;
}

/** The marker of a newer template version: only while it is neither taken nor declined. */
function updateMark(catalogue: Catalogue, node: FlowNode): TemplateNodeData["templateUpdate"] {
  const update = templateUpdate(catalogue, node);
  return update === null || update.declined ? null : { from: update.from, to: update.to };
}

/**
 * Lays out a flow as React Flow elements at the positions it was saved with, each node drawn by
 * the version of its template it is on (`nodeTemplate`).
 */
export function toCanvas(detail: Pick<FlowDetail, "flow">, catalogue: Catalogue): Canvas {
  const { composition, nodes, connections } = detail.flow;
  const runs = new Map(nodes.map((n) => [n.node_id, nodeTemplate(catalogue, n)]));
  const labels = new Map(nodes.map((n) => [n.node_id, nodeLabel(n, runs.get(n.node_id))]));
  const globals = new Set(composition.global_parameters.map((g) => g.name));
  const incoming = incomingMappings(connections, labels);

  const canvasNodes = nodes.map((node): TemplateCanvasNode => {
    const entry = catalogue.current.get(node.template_id);
    const template = runs.get(node.node_id);
    const fed = incoming.get(node.node_id);
    const data: TemplateNodeData = {
      nodeId: node.node_id,
      label: labels.get(node.node_id) ?? node.node_id,
      templateName: template?.name ?? node.template_id,
      templateStatus: entry === undefined ? "missing" : entry.is_active ? "ok" : "inactive",
      sourceId: template?.source_id ?? LOCAL_SOURCE,
      parameters: (template?.parameters ?? []).map((param) => ({
        name: param.name,
        type: param.type,
        list: param.list ?? false,
        required: param.required,
        source: parameterSource(param.name, param.default, node.parameter_overrides, fed?.get(param.name), globals),
      })),
      accent: node.node_config.color ?? null,
      note: node.node_config.note ?? null,
      problems: noProblems,
      templateUpdate: updateMark(catalogue, node),
    };
    const { size, handles } = estimateBox(data);
    return {
      id: node.node_id,
      type: "template",
      // A coordinate that could not be stored as a number (NaN, infinity) arrives as null.
      position: { x: node.position.x ?? 0, y: node.position.y ?? 0 },
      measured: size,
      handles,
      data,
    };
  });

  const declared = new Map(
    nodes.map((n) => [n.node_id, new Set((runs.get(n.node_id)?.parameters ?? []).map((p) => p.name))]),
  );
  const { viewport } = composition.canvas_state;
  return {
    nodes: canvasNodes,
    notes: (composition.canvas_state.notes ?? []).map((note) => ({
      id: noteNodeId(note.id),
      type: "note",
      position: { x: note.position.x ?? 0, y: note.position.y ?? 0 },
      data: { noteId: note.id, text: note.text },
    })),
    edges: connections.map((connection) => toEdge(connection, declared.get(connection.target_node_id))),
    viewport: { x: viewport.x ?? 0, y: viewport.y ?? 0, zoom: viewport.zoom ?? 1 },
  };
}

function edgeClassName(required: boolean, severity: Severity | null): string {
  return ["mapping-edge", ...(required ? [] : ["mapping-edge--optional"]), ...(severity ? [`mapping-edge--${severity}`] : [])].join(" ");
}

/** The arrowhead: React Flow's default colour, or the problem's. */
function edgeMarker(severity: Severity | null): EdgeMarker {
  return { type: "arrowclosed", width: 16, height: 16, ...(severity ? { color: PROBLEM_COLORS[severity] } : {}) };
}

/** The id of a node's input handle for one parameter. */
export function parameterHandle(param: string): string {
  return `param:${param}`;
}

/** The parameter a handle id stands for, or null for the node's own input handle. */
export function handleParameter(handle: string | null | undefined): string | null {
  return handle?.startsWith("param:") ? handle.slice("param:".length) : null;
}

function toEdge(connection: Connection, declared: ReadonlySet<string> | undefined): MappingCanvasEdge {
  // The edge ends at the first parameter it feeds, when the target's template has it.
  const first = connectionMappings(connection).find((m) => declared?.has(m.targetParam));
  return {
    id: connection.connection_id,
    source: connection.source_node_id,
    target: connection.target_node_id,
    targetHandle: first === undefined ? null : parameterHandle(first.targetParam),
    type: "mapping",
    label: mappingLabel(connection),
    className: edgeClassName(connection.is_required, null),
    markerEnd: edgeMarker(null),
    data: { mappings: connectionMappings(connection), required: connection.is_required, severity: null },
  };
}

/**
 * The nodes with their problem counts set from `byNode`. Nodes whose counts did not change are
 * returned as they were, so React Flow re-renders only the ones that did.
 */
export function markNodes(
  nodes: readonly TemplateCanvasNode[],
  byNode: ReadonlyMap<string, ProblemCount>,
): TemplateCanvasNode[] {
  return nodes.map((node) => {
    const problems = byNode.get(node.id) ?? noProblems;
    return sameCount(node.data.problems, problems) ? node : { ...node, data: { ...node.data, problems } };
  });
}

/** The edges drawn in the colour of the worst problem naming their connection (see `markNodes`). */
export function markEdges(
  edges: readonly MappingCanvasEdge[],
  byConnection: ReadonlyMap<string, ProblemCount>,
): MappingCanvasEdge[] {
  return edges.map((edge) => {
    const severity = worstSeverity(byConnection.get(edge.id) ?? noProblems);
    const data = edge.data ?? { mappings: [], required: true, severity: null };
    if (data.severity === severity) return edge;
    return {
      ...edge,
      className: edgeClassName(data.required, severity),
      markerEnd: edgeMarker(severity),
      data: { ...data, severity },
    };
  });
}

/** Selects exactly the elements whose ids are given; untouched elements keep their identity. */
export function selectOnly<T extends { readonly id: string; readonly selected?: boolean }>(
  elements: readonly T[],
  ids: ReadonlySet<string>,
): T[] {
  return elements.map((element) => {
    const selected = ids.has(element.id);
    return (element.selected ?? false) === selected ? element : { ...element, selected };
  });
}

function sameParameters(a: readonly NodeParameter[], b: readonly NodeParameter[]): boolean {
  return (
    a.length === b.length &&
    a.every((p, i) => {
      const q = b[i];
      return (
        q !== undefined &&
        p.name === q.name &&
        p.type === q.type &&
        p.list === q.list &&
        p.required === q.required &&
        JSON.stringify(p.source) === JSON.stringify(q.source)
      );
    })
  );
}

function sameNodeData(a: TemplateNodeData, b: TemplateNodeData): boolean {
  return (
    a.nodeId === b.nodeId &&
    a.label === b.label &&
    a.templateName === b.templateName &&
    a.templateStatus === b.templateStatus &&
    a.sourceId === b.sourceId &&
    a.accent === b.accent &&
    a.note === b.note &&
    a.templateUpdate?.from === b.templateUpdate?.from &&
    a.templateUpdate?.to === b.templateUpdate?.to &&
    sameCount(a.problems, b.problems) &&
    sameParameters(a.parameters, b.parameters)
  );
}

/**
 * The nodes of `next` (freshly drawn from the flow) as React Flow should hold them: a node that
 * looks the same keeps its object, so only changed nodes re-render, and every node keeps the
 * selection and measured size React Flow gave it.
 */
export function mergeNodes(previous: readonly TemplateCanvasNode[], next: readonly TemplateCanvasNode[]): TemplateCanvasNode[] {
  const before = new Map(previous.map((n) => [n.id, n]));
  return next.map((node) => {
    const old = before.get(node.id);
    if (old === undefined) return node;
    if (old.position.x === node.position.x && old.position.y === node.position.y && sameNodeData(old.data, node.data)) {
      return old;
    }
    // Not measured for real yet: the fresh estimate. Measured: React Flow's size and handles
    // stand, and the estimate would undo them.
    if (old.handles !== undefined) return { ...node, selected: old.selected };
    return withoutHandles({ ...node, selected: old.selected, measured: old.measured });
  });
}

/** The edges of `next`, keeping each one's object when it looks the same and its selection (see `mergeNodes`). */
export function mergeEdges(previous: readonly MappingCanvasEdge[], next: readonly MappingCanvasEdge[]): MappingCanvasEdge[] {
  const before = new Map(previous.map((e) => [e.id, e]));
  return next.map((edge) => {
    const old = before.get(edge.id);
    if (old === undefined) return edge;
    const same =
      old.source === edge.source &&
      old.target === edge.target &&
      old.targetHandle === edge.targetHandle &&
      old.label === edge.label &&
      old.className === edge.className;
    return same ? old : { ...edge, selected: old.selected };
  });
}

/** The notes of `next`, keeping each one's object when it looks the same, and its selection and size. */
export function mergeNotes(previous: readonly NoteCanvasNode[], next: readonly NoteCanvasNode[]): NoteCanvasNode[] {
  const before = new Map(previous.map((n) => [n.id, n]));
  return next.map((note) => {
    const old = before.get(note.id);
    if (old === undefined) return note;
    const same = old.position.x === note.position.x && old.position.y === note.position.y && old.data.text === note.data.text;
    return same ? old : { ...note, selected: old.selected, measured: old.measured };
  });
}
