// The flow-versions part of the fake backend: the deep-dive flow's three versions (its first
// node, then the trend node and its connection, then the rest), diffs between them, and the
// restores it was asked for.
import type { Flow, FlowChange, FlowVersion, Outcome } from "../api";
import type { Api } from "../store/access";
import { deepDive } from "./fixtures";

const ok = <T,>(data: T): Outcome<T> => ({ status: "ok", data });

const { flow } = deepDive;
const [top, trend] = flow.nodes;
const [topToTrend] = flow.connections;

/** The deep-dive flow as each version held it. */
export const versionFlows: ReadonlyMap<number, Flow> = new Map([
  [1, { ...flow, nodes: top === undefined ? [] : [top], connections: [] }],
  [2, { ...flow, nodes: [top, trend].filter((n) => n !== undefined), connections: topToTrend === undefined ? [] : [topToTrend] }],
  [3, flow],
]);

export const versionChanges: ReadonlyMap<number, FlowChange[]> = new Map([
  [1, [{ type: "node_added", node_id: "top" }]],
  [
    2,
    [
      { type: "node_added", node_id: "trend" },
      { type: "connection_added", connection_id: "top_to_trend" },
    ],
  ],
  [
    3,
    [
      { type: "node_added", node_id: "orphan" },
      { type: "connection_added", connection_id: "top_to_orphan" },
      { type: "node_modified", node_id: "top", fields: ["parameter_overrides"] },
    ],
  ],
]);

/** The version commands of the fake backend. */
export function fakeVersionApi() {
  const restores: [string, number][] = [];
  let newest = 3;

  function version(n: number): FlowVersion {
    return { version: n, changes: versionChanges.get(n) ?? [], created_by: "ana", created_at: "2026-11-20T10:00:00Z", has_run: n === 2 };
  }

  const api: Pick<Api, "listVersions" | "getVersion" | "diffVersions" | "restoreVersion"> = {
    listVersions: () => Promise.resolve(ok(Array.from({ length: newest }, (_, i) => version(newest - i)))),
    getVersion: (id, n) => {
      const held = versionFlows.get(n);
      return Promise.resolve(held ? ok(held) : { status: "error", error: { code: "not_found", message: `no version ${n} of ${id}` } });
    },
    diffVersions: (_id, from, to) =>
      Promise.resolve(ok(Array.from({ length: to - from }, (_, i) => versionChanges.get(from + i + 1) ?? []).flat())),
    restoreVersion: (id, n) => {
      restores.push([id, n]);
      newest += 1;
      return Promise.resolve(ok({ ...deepDive, flow: versionFlows.get(n) ?? flow }));
    },
  };
  return { api, restores };
}
