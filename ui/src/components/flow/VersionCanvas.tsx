// One version of the open flow drawn read-only, as the canvas draws a flow (`toCanvas`, the
// template node's look), with added nodes and connections green, removed red and modified amber.
// Each drawing has its own ReactFlowProvider: it must not share the editor's canvas state. Its
// node is not the canvas's `TemplateNode`, which shows the live run's progress and carries the
// editor canvas's test ids; it shares that node's head (`NodeHead`).
import { Background, Controls, Handle, Position, ReactFlow, ReactFlowProvider, type NodeProps, type NodeTypes } from "@xyflow/react";
import { memo, useMemo, type CSSProperties } from "react";
import type { Flow } from "../../api";
import { ZOOM, parameterHandle } from "../../lib/canvas";
import type { Catalogue } from "../../lib/catalogue";
import { versionCanvas, type DiffMarks, type VersionCanvasNode } from "../../lib/versions";
import { NodeHead, sourceText } from "./TemplateNode";

type Props = {
  readonly version: number;
  readonly flow: Flow;
  readonly catalogue: Catalogue;
  readonly marks: DiffMarks;
};

const nodeTypes = { version: memo(VersionNode) } satisfies NodeTypes;
const framing = { padding: 0.15, maxZoom: 1 } as const;

export function VersionCanvas({ version, flow, catalogue, marks }: Props) {
  const drawn = useMemo(() => versionCanvas(flow, catalogue, marks), [flow, catalogue, marks]);
  return (
    <figure className="vcanvas" data-testid="version-canvas" data-version={version}>
      <figcaption className="vcanvas__title">Version {version}</figcaption>
      <div className="canvas vcanvas__frame">
        <ReactFlowProvider>
          <ReactFlow
            nodes={drawn.nodes}
            edges={drawn.edges}
            nodeTypes={nodeTypes}
            fitView
            fitViewOptions={framing}
            nodesDraggable={false}
            nodesConnectable={false}
            nodesFocusable={false}
            edgesFocusable={false}
            elementsSelectable={false}
            deleteKeyCode={null}
            minZoom={ZOOM.min}
            maxZoom={ZOOM.max}
            proOptions={{ hideAttribution: true }}
          >
            <Background gap={20} size={1} />
            <Controls showInteractive={false} fitViewOptions={framing} />
          </ReactFlow>
        </ReactFlowProvider>
      </div>
    </figure>
  );
}

function VersionNode({ data }: NodeProps<VersionCanvasNode>) {
  const style = data.accent === null ? undefined : ({ "--node-accent": data.accent } as CSSProperties);
  return (
    <div
      className={`tnode vnode${data.diff === null ? "" : ` vnode--${data.diff}`}`}
      data-testid="version-node"
      data-node-id={data.nodeId}
      data-diff={data.diff ?? undefined}
      style={style}
    >
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <NodeHead data={data} />
      {data.parameters.length > 0 && (
        <ul className="tnode__params">
          {data.parameters.map((param) => (
            <li key={param.name} className={`tnode__param tnode__param--${param.source.kind}`}>
              <Handle
                type="target"
                position={Position.Left}
                id={parameterHandle(param.name)}
                className="tnode__param-handle"
                isConnectable={false}
              />
              <span className="tnode__param-name">{param.name}</span>
              <span className="tnode__param-value">{sourceText(param.source)}</span>
            </li>
          ))}
        </ul>
      )}
      {data.note !== null && <div className="tnode__note">{data.note}</div>}
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
}
