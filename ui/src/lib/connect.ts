// Connecting two nodes: what a connection may join (no cycle, a single-value parameter not
// yet fed — a list parameter takes a connection from each of several nodes, their values
// unioned —, a column of a fitting type) and the mapping it gets by default. The canvas asks
// `connectProblem` while the user drags and `connect` when they drop.
import type { Connection, Flow, FlowNode, OutputColumn, ParamSpec, ScalarType, Template } from "../api";
import { nodeTemplate, type Catalogue } from "./catalogue";
import { freshId } from "./edit";

/** Where a drag between two nodes ends: a parameter of the target, or the node as a whole. */
export type ConnectRequest = {
  readonly source: string;
  readonly target: string;
  /** The parameter dropped on, or null for the node (the first parameter that can take a column). */
  readonly param: string | null;
};

export type Connected =
  | { readonly ok: true; readonly flow: Flow; readonly connectionId: string }
  | { readonly ok: false; readonly reason: string };

/** Whether `to` can be reached from `from` along the flow's connections. */
export function reaches(flow: Flow, from: string, to: string): boolean {
  const downstream = new Map<string, string[]>();
  for (const c of flow.connections) {
    const list = downstream.get(c.source_node_id);
    if (list) list.push(c.target_node_id);
    else downstream.set(c.source_node_id, [c.target_node_id]);
  }
  const seen = new Set([from]);
  const stack = [from];
  for (let at = stack.pop(); at !== undefined; at = stack.pop()) {
    if (at === to) return true;
    for (const next of downstream.get(at) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        stack.push(next);
      }
    }
  }
  return false;
}

/** Whether a column of type `from` may feed a parameter of type `to` (as the validator decides). */
export function assignable(from: ScalarType, to: ScalarType): boolean {
  return from === to || to === "json" || (from === "integer" && to === "decimal");
}

/**
 * The columns a node's rows have, as validation counts them: its template's output columns
 * and, for a for-each node, the column its value is added as (named after the parameter).
 * Undefined when the template declares none.
 */
export function nodeColumns(node: FlowNode, template: Template): readonly OutputColumn[] | undefined {
  const columns = template.output_columns;
  if (columns === undefined) return undefined;
  const name = node.node_config.for_each;
  const spec = name === undefined ? undefined : template.parameters.find((p) => p.name === name);
  if (spec === undefined || columns.some((c) => c.name === spec.name)) return columns;
  return [...columns, { name: spec.name, type: spec.type }];
}

/** The column of the source that feeds `param`: one named like it, else the first of a fitting type. */
function pickColumn(sourceNode: FlowNode, source: Template, param: ParamSpec): { readonly column: string } | { readonly reason: string } {
  const columns = nodeColumns(sourceNode, source);
  const singular = param.name.replace(/s$/, "");
  if (columns === undefined) {
    // Undeclared output: guess by name; the inspector can change it.
    return { column: param.list ? singular : param.name };
  }
  const fitting = columns.filter((c) => assignable(c.type, param.type));
  const named = fitting.find((c) => c.name === param.name || c.name === singular);
  const column = named ?? fitting[0];
  if (column === undefined) {
    return { reason: `${source.name} has no ${param.type} column for ${param.name}` };
  }
  return { column: column.name };
}

function fedBy(flow: Flow, target: string, param: string): Connection | undefined {
  return flow.connections.find((c) => c.target_node_id === target && param in c.field_mappings);
}

/**
 * Why `source` cannot feed `param` of `target` because of what feeds it already, or null: a
 * single value takes one connection; a list one from each of several nodes (the run unions
 * their values), never two from the same node.
 */
function alreadyFed(flow: Flow, source: string, target: string, param: ParamSpec): string | null {
  const fed = flow.connections.filter((c) => c.target_node_id === target && param.name in c.field_mappings);
  const same = fed.find((c) => c.source_node_id === source);
  if (same !== undefined) return `${param.name} is already fed by ${source}`;
  const other = fed[0];
  if (other !== undefined && param.list !== true) {
    return `${param.name} takes a single value and is already fed by ${other.source_node_id}`;
  }
  return null;
}

/** A mapping of one column into one parameter, or (into a data-table node) its whole rows. */
type Plan = { readonly param: ParamSpec; readonly column: string } | { readonly rows: true };

/** What dropping `request` would map, or why it cannot be joined. */
function plan(flow: Flow, catalogue: Catalogue, request: ConnectRequest): Plan | { readonly reason: string } {
  const { source, target } = request;
  if (source === target) return { reason: "A node cannot feed itself" };
  const sourceNode = flow.nodes.find((n) => n.node_id === source);
  const targetNode = flow.nodes.find((n) => n.node_id === target);
  if (sourceNode === undefined || targetNode === undefined) return { reason: "Both ends must be nodes of this flow" };
  if (reaches(flow, target, source)) {
    return { reason: `That would make a cycle: ${source} already depends on ${target}` };
  }
  const sourceTemplate = nodeTemplate(catalogue, sourceNode);
  const targetTemplate = nodeTemplate(catalogue, targetNode);
  if (sourceTemplate === undefined || targetTemplate === undefined) {
    return { reason: "Both nodes need a template this workspace has" };
  }
  if (request.param === null && targetTemplate.kind === "data_table") {
    // A data-table node writes the result of the node connected to it: the whole rows.
    const other = flow.connections.find((c) => c.target_node_id === target && c.source_node_id !== source);
    if (other !== undefined) return { reason: `${target} already takes its rows from ${other.source_node_id}` };
    return { rows: true };
  }
  if (request.param !== null) {
    const param = targetTemplate.parameters.find((p) => p.name === request.param);
    if (param === undefined) return { reason: `${targetTemplate.name} has no parameter ${request.param}` };
    const fed = alreadyFed(flow, source, target, param);
    if (fed !== null) return { reason: fed };
    const picked = pickColumn(sourceNode, sourceTemplate, param);
    return "reason" in picked ? picked : { param, column: picked.column };
  }
  let firstReason: string | null = null;
  // A parameter nothing feeds yet comes first; then a list another node feeds.
  const open = targetTemplate.parameters.filter((p) => fedBy(flow, target, p.name) === undefined);
  const shared = targetTemplate.parameters.filter((p) => !open.includes(p) && alreadyFed(flow, source, target, p) === null);
  for (const param of [...open, ...shared]) {
    const picked = pickColumn(sourceNode, sourceTemplate, param);
    if ("column" in picked) return { param, column: picked.column };
    firstReason ??= picked.reason;
  }
  return { reason: firstReason ?? `Every parameter of ${targetTemplate.name} is already fed` };
}

/** Why `request` cannot be connected, or null when it can: asked while the user drags. */
export function connectProblem(flow: Flow, catalogue: Catalogue, request: ConnectRequest): string | null {
  const planned = plan(flow, catalogue, request);
  return "reason" in planned ? planned.reason : null;
}

/**
 * Connects `source` to a parameter of `target`, mapping a fitting column with the default
 * transformation (`distinct_list` into a list, `first` into a single value). A second mapping
 * between the same two nodes joins their existing connection.
 */
export function connect(flow: Flow, catalogue: Catalogue, request: ConnectRequest): Connected {
  const planned = plan(flow, catalogue, request);
  if ("reason" in planned) return { ok: false, reason: planned.reason };
  const existing = flow.connections.find((c) => c.source_node_id === request.source && c.target_node_id === request.target);
  if ("rows" in planned) {
    if (existing !== undefined) return { ok: true, flow, connectionId: existing.connection_id };
    return added(flow, request, {}, {});
  }
  const { param, column } = planned;
  const rule = param.list === true ? "distinct_list" : "first";
  if (existing !== undefined) {
    const joined: Connection = {
      ...existing,
      field_mappings: { ...existing.field_mappings, [param.name]: column },
      transformation_rules: { ...existing.transformation_rules, [param.name]: rule },
    };
    return {
      ok: true,
      flow: { ...flow, connections: flow.connections.map((c) => (c === existing ? joined : c)) },
      connectionId: existing.connection_id,
    };
  }
  return added(flow, request, { [param.name]: column }, { [param.name]: rule });
}

/** `flow` with a new, required connection for `request` carrying these mappings. */
function added(
  flow: Flow,
  request: ConnectRequest,
  fieldMappings: Connection["field_mappings"],
  transformationRules: Connection["transformation_rules"],
): Connected {
  const connectionId = freshId(`${request.source}_to_${request.target}`, new Set(flow.connections.map((c) => c.connection_id)));
  const connection: Connection = {
    connection_id: connectionId,
    source_node_id: request.source,
    target_node_id: request.target,
    field_mappings: fieldMappings,
    transformation_rules: transformationRules,
    is_required: true,
  };
  return { ok: true, flow: { ...flow, connections: [...flow.connections, connection] }, connectionId };
}
