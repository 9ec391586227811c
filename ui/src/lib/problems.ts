// What a flow's diagnostics mean on screen: how many problems name each node and connection,
// the panel's header count, the order the panel lists them in, and where a problem points.
// Pure: no React, no IPC.
import type { Diagnostic, FlowDetail, Severity } from "../api";
import { plural } from "./format";

export type ProblemCount = { readonly errors: number; readonly warnings: number };

export const noProblems: ProblemCount = { errors: 0, warnings: 0 };

/** The colours problem edges' arrowheads are drawn in; the same as `--danger` / `--warning`. */
export const PROBLEM_COLORS: Readonly<Record<Severity, string>> = { error: "#c4332b", warning: "#b45309" };

/** `error` if any error, else `warning` if any warning, else null. */
export function worstSeverity(count: ProblemCount): Severity | null {
  if (count.errors > 0) return "error";
  if (count.warnings > 0) return "warning";
  return null;
}

export function sameCount(a: ProblemCount, b: ProblemCount): boolean {
  return a.errors === b.errors && a.warnings === b.warnings;
}

function countBy(diagnostics: readonly Diagnostic[], ids: (d: Diagnostic) => readonly string[]): Map<string, ProblemCount> {
  const counts = new Map<string, ProblemCount>();
  for (const diagnostic of diagnostics) {
    // A diagnostic counts once per element, however often it names it.
    for (const id of new Set(ids(diagnostic))) {
      const count = counts.get(id) ?? noProblems;
      counts.set(
        id,
        diagnostic.severity === "error" ? { ...count, errors: count.errors + 1 } : { ...count, warnings: count.warnings + 1 },
      );
    }
  }
  return counts;
}

/** For each node id named by a diagnostic: how many errors and warnings name it. */
export function problemsByNode(diagnostics: readonly Diagnostic[]): Map<string, ProblemCount> {
  return countBy(diagnostics, (d) => d.node_ids);
}

/** For each connection id named by a diagnostic: how many errors and warnings name it. */
export function problemsByConnection(diagnostics: readonly Diagnostic[]): Map<string, ProblemCount> {
  return countBy(diagnostics, (d) => d.connection_ids);
}

export function countProblems(diagnostics: readonly Diagnostic[]): ProblemCount {
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  return { errors, warnings: diagnostics.length - errors };
}

/** `No problems`, `1 error`, `3 warnings`, `2 errors, 1 warning`. */
export function describeCount(count: ProblemCount): string {
  const parts = [
    ...(count.errors > 0 ? [plural(count.errors, "error")] : []),
    ...(count.warnings > 0 ? [plural(count.warnings, "warning")] : []),
  ];
  return parts.length === 0 ? "No problems" : parts.join(", ");
}

/** The Problems panel's header line for these diagnostics. */
export function summarise(diagnostics: readonly Diagnostic[]): string {
  return describeCount(countProblems(diagnostics));
}

/** Errors before warnings; otherwise in the order Rust sent them (sorted by path). */
export function sortProblems(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics.filter((d) => d.severity === "error"), ...diagnostics.filter((d) => d.severity === "warning")];
}

/** The nodes and connections of a flow, as `problemFocus` needs them. */
export type FlowIndex = {
  readonly nodeIds: ReadonlySet<string>;
  readonly connections: ReadonlyMap<string, { readonly source: string; readonly target: string }>;
};

export function indexFlow(flow: FlowDetail["flow"]): FlowIndex {
  return {
    nodeIds: new Set(flow.nodes.map((n) => n.node_id)),
    connections: new Map(
      flow.connections.map((c) => [c.connection_id, { source: c.source_node_id, target: c.target_node_id }]),
    ),
  };
}

/** Where clicking a problem takes the canvas. */
export type ProblemFocus =
  | { readonly kind: "node"; readonly nodeId: string }
  | { readonly kind: "connection"; readonly connectionId: string; readonly nodeIds: readonly string[] };

/**
 * The first node the diagnostic names that is on the canvas; failing that, the first such
 * connection with those of its ends that are on the canvas; null when it names neither
 * (a problem of the whole flow, or of ids the flow does not have).
 */
export function problemFocus(diagnostic: Diagnostic, flow: FlowIndex): ProblemFocus | null {
  const nodeId = diagnostic.node_ids.find((id) => flow.nodeIds.has(id));
  if (nodeId !== undefined) return { kind: "node", nodeId };
  for (const connectionId of diagnostic.connection_ids) {
    const ends = flow.connections.get(connectionId);
    if (ends === undefined) continue;
    const nodeIds = [...new Set([ends.source, ends.target])].filter((id) => flow.nodeIds.has(id));
    if (nodeIds.length > 0) return { kind: "connection", connectionId, nodeIds };
  }
  return null;
}
