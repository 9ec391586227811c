// The canvas's minimap: every node as a rectangle on one <canvas>, the view on top, and a click
// or drag in it moving the view there (the wheel zooms). React Flow's own minimap draws a
// component per node, each subscribed to its store: on a 2,000-node flow that cost a third of
// the frame rate while panning. This one subscribes once and redraws in well under a
// millisecond. The geometry is `lib/minimap.ts`.
import { Panel, useReactFlow, useStore, type ReactFlowState } from "@xyflow/react";
import { useEffect, useMemo, useRef } from "react";
import { nodeSize } from "../../lib/canvas";
import { miniMapping, nodesRect, toFlow, toMini, viewRect, type MiniMapping } from "../../lib/minimap";

const SIZE = { width: 168, height: 104 } as const;
const COLORS = { background: "#ffffff", node: "#c9c9d6", note: "#f3d98b", selected: "#5b5bd6", mask: "rgba(240, 240, 244, 0.7)", view: "#5b5bd6" };

const selectNodes = (s: ReactFlowState) => s.nodes;
const selectTransform = (s: ReactFlowState) => s.transform;
const selectWidth = (s: ReactFlowState) => s.width;
const selectHeight = (s: ReactFlowState) => s.height;

export function FlowMiniMap() {
  const nodes = useStore(selectNodes);
  const transform = useStore(selectTransform);
  const width = useStore(selectWidth);
  const height = useStore(selectHeight);
  const { setCenter, zoomIn, zoomOut } = useReactFlow();
  const canvas = useRef<HTMLCanvasElement>(null);
  const bounds = useMemo(() => nodesRect(nodes), [nodes]);
  const view = viewRect(transform, width, height);
  const mapping = miniMapping(bounds, view, SIZE.width, SIZE.height);

  useEffect(() => {
    const element = canvas.current;
    const context = element?.getContext("2d");
    if (element == null || context == null) return;
    const ratio = window.devicePixelRatio || 1;
    if (element.width !== SIZE.width * ratio) {
      element.width = SIZE.width * ratio;
      element.height = SIZE.height * ratio;
    }
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.fillStyle = COLORS.background;
    context.fillRect(0, 0, SIZE.width, SIZE.height);
    for (const node of nodes) {
      const box = toMini({ ...node.position, ...nodeSize(node) }, mapping);
      context.fillStyle = node.selected ? COLORS.selected : node.type === "note" ? COLORS.note : COLORS.node;
      context.fillRect(box.x, box.y, Math.max(box.width, 1), Math.max(box.height, 1));
    }
    // Everything outside the view is veiled; the view is outlined.
    const seen = toMini(view, mapping);
    context.beginPath();
    context.rect(0, 0, SIZE.width, SIZE.height);
    context.rect(seen.x, seen.y, seen.width, seen.height);
    context.fillStyle = COLORS.mask;
    context.fill("evenodd");
    context.strokeStyle = COLORS.view;
    context.lineWidth = 1;
    context.strokeRect(seen.x + 0.5, seen.y + 0.5, Math.max(seen.width - 1, 1), Math.max(seen.height - 1, 1));
  });

  const moveTo = (event: React.PointerEvent<HTMLCanvasElement>, at: MiniMapping) => {
    const box = event.currentTarget.getBoundingClientRect();
    const point = toFlow(event.clientX - box.left, event.clientY - box.top, at);
    void setCenter(point.x, point.y, { zoom: transform[2] });
  };

  return (
    <Panel position="bottom-right" className="minimap" data-testid="minimap">
      <canvas
        ref={canvas}
        style={SIZE}
        aria-label="Minimap: click or drag to move the view, scroll to zoom"
        onPointerDown={(event) => {
          event.currentTarget.setPointerCapture(event.pointerId);
          moveTo(event, mapping);
        }}
        onPointerMove={(event) => {
          if (event.currentTarget.hasPointerCapture(event.pointerId)) moveTo(event, mapping);
        }}
        onWheel={(event) => {
          void (event.deltaY < 0 ? zoomIn({ duration: 0 }) : zoomOut({ duration: 0 }));
        }}
      />
    </Panel>
  );
}
