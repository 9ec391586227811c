// The inspector for the canvas selection: the node's (`NodeInspector.tsx`) or the
// connection's (`ConnectionInspector.tsx`), or nothing when neither is selected alone.
import type { Diagnostic, Flow } from "../../api";
import { nodeColumns } from "../../lib/connect";
import { nodeTemplate, type Catalogue } from "../../lib/catalogue";
import { NodeInspector } from "./NodeInspector";
import { ConnectionInspector } from "./ConnectionInspector";

type Props = {
  readonly flow: Flow;
  readonly catalogue: Catalogue;
  readonly diagnostics: readonly Diagnostic[];
  readonly nodeId: string | null;
  readonly connectionId: string | null;
};

export function Inspector({ flow, catalogue, diagnostics, nodeId, connectionId }: Props) {
  const node = nodeId === null ? undefined : flow.nodes.find((n) => n.node_id === nodeId);
  const connection = connectionId === null ? undefined : flow.connections.find((c) => c.connection_id === connectionId);
  if (node !== undefined) {
    return (
      <NodeInspector flow={flow} node={node} catalogue={catalogue} template={nodeTemplate(catalogue, node)} diagnostics={diagnostics} />
    );
  }
  if (connection !== undefined) {
    const source = flow.nodes.find((n) => n.node_id === connection.source_node_id);
    const template = source && nodeTemplate(catalogue, source);
    const columns = source && template && nodeColumns(source, template);
    return <ConnectionInspector connection={connection} columns={columns ?? null} />;
  }
  return null;
}
