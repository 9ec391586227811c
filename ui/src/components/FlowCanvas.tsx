// The read-only React Flow canvas of one flow. Node and edge types live at module scope so
// React Flow never sees a new object and never remounts them.
import { Background, Controls, MarkerType, MiniMap, ReactFlow, type EdgeTypes, type FitViewOptions, type NodeTypes } from "@xyflow/react";
import { useMemo } from "react";
import type { FlowDetail, TemplateDetail } from "../api";
import { toCanvas } from "../lib/canvas";
import "../styles/canvas.css";
import { MappingEdge } from "./MappingEdge";
import { TemplateNode } from "./TemplateNode";

const nodeTypes = { template: TemplateNode } satisfies NodeTypes;
const edgeTypes = { mapping: MappingEdge } satisfies EdgeTypes;

const defaultEdgeOptions = { markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16 } };

// Extra room at the bottom keeps the minimap and controls off the nodes after fitting.
const fitViewOptions = {
  padding: { top: "40px", left: "56px", right: "40px", bottom: "130px" },
  maxZoom: 1.1,
} satisfies FitViewOptions;
const miniMapStyle = { width: 168, height: 104 };

type Props = { readonly detail: FlowDetail; readonly templates: readonly TemplateDetail[] };

export function FlowCanvas({ detail, templates }: Props) {
  const canvas = useMemo(() => toCanvas(detail, templates), [detail, templates]);

  return (
    <div className="canvas" data-testid="canvas">
      <ReactFlow
        // Uncontrolled: React Flow keeps selection itself; a new flow remounts via the screen's key.
        defaultNodes={canvas.nodes}
        defaultEdges={canvas.edges}
        defaultViewport={canvas.viewport}
        defaultEdgeOptions={defaultEdgeOptions}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        nodesDraggable={false}
        nodesConnectable={false}
        elementsSelectable
        fitView
        fitViewOptions={fitViewOptions}
        minZoom={0.2}
        maxZoom={2}
        proOptions={{ hideAttribution: true }}
      >
        <Background gap={20} size={1} />
        <MiniMap pannable zoomable style={miniMapStyle} />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
