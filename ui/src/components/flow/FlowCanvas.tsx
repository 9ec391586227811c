// The React Flow canvas of the open flow, where it is edited: nodes are dragged, connected
// and deleted (templates are dropped in by the palette). The flow in the store is the one truth: every edit
// becomes one `editFlow` step (undoable), and the canvas redraws from the flow, keeping React
// Flow's own selection and measured sizes. Node and edge types live at module scope so React
// Flow never sees a new object and never remounts them. It sits inside the flow screen's
// ReactFlowProvider, which the Problems panel shares to select and centre what a problem names.
import {
  Background,
  ControlButton,
  Controls,
  ReactFlow,
  applyEdgeChanges,
  applyNodeChanges,
  type Connection,
  type EdgeChange,
  type EdgeTypes,
  type IsValidConnection,
  type NodeChange,
  type NodeTypes,
  type OnDelete,
  type OnNodeDrag,
  type OnSelectionChangeParams,
  type Viewport,
} from "@xyflow/react";
import { useCallback, useDeferredValue, useLayoutEffect, useMemo, useRef, useState } from "react";
import type { Diagnostic, FlowDetail } from "../../api";
import {
  FIT_WHOLE_FLOW,
  ZOOM,
  forgetEstimates,
  handleParameter,
  markEdges,
  markNodes,
  mergeEdges,
  mergeNodes,
  mergeNotes,
  openingViewport,
  toCanvas,
  type CanvasNode,
  type MappingCanvasEdge,
  type NoteCanvasNode,
  type TemplateCanvasNode,
} from "../../lib/canvas";
import type { Catalogue } from "../../lib/catalogue";
import { connect, connectProblem, type ConnectRequest } from "../../lib/connect";
import { moveNodes, removeElements } from "../../lib/edit";
import { problemsByConnection, problemsByNode } from "../../lib/problems";
import { useAppActions } from "../../store";
import "../../styles/canvas.css";
import { FlowMiniMap } from "./FlowMiniMap";
import { MappingEdge } from "./MappingEdge";
import { NodeMenu, type NodeMenuAt } from "./NodeMenu";
import { NoteNode } from "./NoteNode";
import { TemplateNode } from "./TemplateNode";
import { useAutoLayout } from "./useAutoLayout";

const nodeTypes = { template: TemplateNode, note: NoteNode } satisfies NodeTypes;
const edgeTypes = { mapping: MappingEdge } satisfies EdgeTypes;

const deleteKeys = ["Delete", "Backspace"];
/** From how many nodes on the canvas renders only the nodes in view. */
const LARGE_FLOW = 200;

type Props = {
  readonly detail: FlowDetail;
  /** Which template each node runs (built once per template list). */
  readonly catalogue: Catalogue;
  /** The flow's problems so far (none while it is being checked). */
  readonly diagnostics: readonly Diagnostic[];
};

function request(connection: Connection | MappingCanvasEdge): ConnectRequest {
  return { source: connection.source, target: connection.target, param: handleParameter(connection.targetHandle) };
}

export function FlowCanvas({ detail, catalogue, diagnostics }: Props) {
  const { editFlow, selectNode, selectConnection } = useAppActions();
  const flow = detail.flow;
  const layout = useAutoLayout();

  // What the flow looks like, marked with its problems; React Flow's state follows it. The
  // canvas follows at a lower priority than input: a gesture React Flow has already applied
  // to its own nodes (a drag, a delete) paints first, and the flow, redrawn in full, catches
  // up in a render that yields to the browser (on a 2,000-node flow that redraw is most of
  // an edit's cost).
  const shown = useDeferredValue(useMemo(() => ({ detail, catalogue, diagnostics }), [detail, catalogue, diagnostics]));
  const drawn = useMemo(() => {
    const canvas = toCanvas(shown.detail, shown.catalogue);
    return {
      ...canvas,
      nodes: markNodes(canvas.nodes, problemsByNode(shown.diagnostics)),
      edges: markEdges(canvas.edges, problemsByConnection(shown.diagnostics)),
    };
  }, [shown]);
  const [nodes, setNodes] = useState<CanvasNode[]>([...drawn.nodes, ...drawn.notes]);
  const [edges, setEdges] = useState<MappingCanvasEdge[]>(drawn.edges);
  // When the flow changes, React Flow's nodes follow it during this same render.
  const [followed, setFollowed] = useState(drawn);
  if (followed !== drawn) {
    setFollowed(drawn);
    setNodes((previous) => [
      ...mergeNodes(
        previous.filter((n): n is TemplateCanvasNode => n.type === "template"),
        drawn.nodes,
      ),
      ...mergeNotes(
        previous.filter((n): n is NoteCanvasNode => n.type === "note"),
        drawn.notes,
      ),
    ]);
    setEdges((previous) => mergeEdges(previous, drawn.edges));
  }

  // The flow opens framed whole. The view is worked out from the nodes' boxes before the first
  // paint, so React Flow draws once, only what is in view (its `fitView` would draw the saved
  // view first, measure, then draw again).
  const frame = useRef<HTMLDivElement>(null);
  const [opening, setOpening] = useState<Viewport | null>(null);
  useLayoutEffect(() => {
    const box = frame.current;
    if (box === null) return;
    setOpening((fixed) => fixed ?? openingViewport(nodes, box.clientWidth, box.clientHeight, drawn.viewport));
  }, [nodes, drawn.viewport]);

  const [menu, setMenu] = useState<NodeMenuAt | null>(null);
  const closeMenu = useCallback(() => {
    setMenu(null);
  }, []);
  const onNodeContextMenu = useCallback((event: React.MouseEvent, node: CanvasNode) => {
    if (node.type !== "template") return;
    event.preventDefault();
    const box = event.currentTarget.closest(".canvas")?.getBoundingClientRect();
    setMenu({ nodeId: node.id, x: event.clientX - (box?.left ?? 0), y: event.clientY - (box?.top ?? 0) });
  }, []);

  // Why the connection being dragged cannot be made, shown beside the cursor's target.
  const [refusal, setRefusal] = useState<string | null>(null);

  const onNodesChange = useCallback((changes: NodeChange<CanvasNode>[]) => {
    setNodes((current) => forgetEstimates(applyNodeChanges(changes, current), changes));
  }, []);
  const onEdgesChange = useCallback((changes: EdgeChange<MappingCanvasEdge>[]) => {
    setEdges((current) => applyEdgeChanges(changes, current));
  }, []);

  const onNodeDragStop: OnNodeDrag<CanvasNode> = useCallback(
    (_event, _node, dragged) => {
      editFlow((f) => moveNodes(f, new Map(dragged.map((n) => [n.id, { x: Math.round(n.position.x), y: Math.round(n.position.y) }]))));
    },
    [editFlow],
  );

  const onDelete: OnDelete<CanvasNode, MappingCanvasEdge> = useCallback(
    ({ nodes: gone, edges: cut }) => {
      editFlow((f) => removeElements(f, new Set(gone.map((n) => n.id)), new Set(cut.map((e) => e.id))));
    },
    [editFlow],
  );

  // The flow as it is now, for the connection check React Flow holds on to. Depending on the
  // flow instead would hand React Flow a new callback on every edit, and each is an update of
  // its store that every node and edge on screen re-checks.
  const current = useRef(flow);
  useLayoutEffect(() => {
    current.current = flow;
  }, [flow]);
  const isValidConnection: IsValidConnection<MappingCanvasEdge> = useCallback(
    (connection) => {
      const problem = connectProblem(current.current, catalogue, request(connection));
      setRefusal(problem);
      return problem === null;
    },
    [catalogue],
  );

  const onConnect = useCallback(
    (connection: Connection) => {
      setRefusal(null);
      editFlow((f) => {
        const done = connect(f, catalogue, request(connection));
        return done.ok ? done.flow : f;
      });
    },
    [editFlow, catalogue],
  );

  const onSelectionChange = useCallback(
    ({ nodes: selection, edges: chosenEdges }: OnSelectionChangeParams) => {
      const chosen = selection.filter((n) => n.type === "template");
      void selectNode(chosen.length === 1 ? (chosen[0]?.id ?? null) : null);
      selectConnection(chosen.length === 0 && chosenEdges.length === 1 ? (chosenEdges[0]?.id ?? null) : null);
    },
    [selectNode, selectConnection],
  );

  return (
    <div className="canvas" data-testid="canvas" ref={frame}>
      {opening !== null && (
        <ReactFlow
          nodes={nodes}
          edges={edges}
          onNodesChange={onNodesChange}
          onEdgesChange={onEdgesChange}
          onNodeDragStop={onNodeDragStop}
          onDelete={onDelete}
          onConnect={onConnect}
          isValidConnection={isValidConnection}
          onConnectEnd={() => {
            setRefusal(null);
          }}
          onSelectionChange={onSelectionChange}
          onNodeContextMenu={onNodeContextMenu}
          defaultViewport={opening}
          nodeTypes={nodeTypes}
          edgeTypes={edgeTypes}
          deleteKeyCode={deleteKeys}
          elementsSelectable
          // A large flow keeps only what is in view in the DOM; a small one all of it.
          onlyRenderVisibleElements={flow.nodes.length > LARGE_FLOW}
          minZoom={ZOOM.min}
          maxZoom={ZOOM.max}
          proOptions={{ hideAttribution: true }}
        >
          <Background gap={20} size={1} />
          <FlowMiniMap />
          <Controls showInteractive={false} fitViewOptions={FIT_WHOLE_FLOW}>
            <ControlButton
              title="Auto-layout: lay the flow out left to right (L)"
              aria-label="Auto-layout"
              data-testid="auto-layout"
              onClick={() => void layout()}
            >
              ⇶
            </ControlButton>
          </Controls>
        </ReactFlow>
      )}
      {menu !== null && <NodeMenu at={menu} onClose={closeMenu} />}
      {refusal !== null && (
        <p className="connect-refusal" role="status" data-testid="connect-refusal">
          {refusal}
        </p>
      )}
    </div>
  );
}
