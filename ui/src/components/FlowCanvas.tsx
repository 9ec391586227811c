// The read-only React Flow canvas of one flow, its nodes and edges marked with the flow's
// problems; selecting one node opens its result in the drawer. Node and edge types live at module scope so React Flow never sees a new object and
// never remounts them. It must sit inside a ReactFlowProvider (the flow screen's), which the
// Problems panel shares to select and centre what a problem names.
import {
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  useReactFlow,
  type EdgeTypes,
  type FitViewOptions,
  type NodeTypes,
  type OnSelectionChangeParams,
} from "@xyflow/react";
import { useCallback, useEffect, useMemo } from "react";
import type { Diagnostic, FlowDetail, TemplateDetail } from "../api";
import { markEdges, markNodes, toCanvas, type MappingCanvasEdge, type TemplateCanvasNode } from "../lib/canvas";
import { problemsByConnection, problemsByNode } from "../lib/problems";
import { useAppActions } from "../store";
import "../styles/canvas.css";
import { MappingEdge } from "./MappingEdge";
import { TemplateNode } from "./TemplateNode";

const nodeTypes = { template: TemplateNode } satisfies NodeTypes;
const edgeTypes = { mapping: MappingEdge } satisfies EdgeTypes;

// Extra room at the bottom keeps the minimap and controls off the nodes after fitting.
const fitViewOptions = {
  padding: { top: "40px", left: "56px", right: "40px", bottom: "130px" },
  maxZoom: 1.1,
} satisfies FitViewOptions;
const miniMapStyle = { width: 168, height: 104 };

type Props = {
  readonly detail: FlowDetail;
  readonly templates: readonly TemplateDetail[];
  /** The flow's problems so far (none while it is being checked). */
  readonly diagnostics: readonly Diagnostic[];
};

export function FlowCanvas({ detail, templates, diagnostics }: Props) {
  const canvas = useMemo(() => toCanvas(detail, templates), [detail, templates]);
  const { setNodes, setEdges } = useReactFlow<TemplateCanvasNode, MappingCanvasEdge>();

  // React Flow reads the default nodes once; problems that arrive later (or change) are marked
  // on its own nodes, which keeps their selection and measured size.
  useEffect(() => {
    const byNode = problemsByNode(diagnostics);
    const byConnection = problemsByConnection(diagnostics);
    setNodes((nodes) => markNodes(nodes, byNode));
    setEdges((edges) => markEdges(edges, byConnection));
  }, [diagnostics, setNodes, setEdges]);

  const { selectNode } = useAppActions();
  const onSelectionChange = useCallback(
    ({ nodes }: OnSelectionChangeParams) => {
      void selectNode(nodes.length === 1 ? (nodes[0]?.id ?? null) : null);
    },
    [selectNode],
  );

  return (
    <div className="canvas" data-testid="canvas">
      <ReactFlow
        onSelectionChange={onSelectionChange}
        // Uncontrolled: React Flow keeps selection itself; a new flow remounts via the screen's key.
        defaultNodes={canvas.nodes}
        defaultEdges={canvas.edges}
        defaultViewport={canvas.viewport}
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
