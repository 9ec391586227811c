// Auto-layout as the canvas does it: the open flow laid out by ELK at the sizes React Flow
// measured (or, for nodes not drawn yet, estimated), applied as one edit (undoable), then the
// view framed on the result.
import { useReactFlow, useStoreApi, type Node } from "@xyflow/react";
import { useCallback } from "react";
import { moveNodes } from "../../lib/edit";
import { FIT_WHOLE_FLOW, nodeSize, openingViewport } from "../../lib/canvas";
import { layeredPositions } from "../../lib/layout";
import { useAppActions, useAppState } from "../../store";

export function useAutoLayout(): () => Promise<void> {
  const { editFlow } = useAppActions();
  const flow = useAppState((state) => (state.flow.status === "ready" ? state.flow.data.flow : null));
  const { getNodes, setViewport } = useReactFlow();
  const canvas = useStoreApi();
  return useCallback(async () => {
    if (flow === null) return;
    const sizes = new Map(getNodes().map((n) => [n.id, nodeSize(n)]));
    const positions = await layeredPositions(flow, sizes);
    editFlow((f) => moveNodes(f, positions));
    // Framed as laid out, not as drawn: the canvas follows the flow a render later (behind
    // input), so fitting what React Flow holds now would frame the old positions.
    const laidOut: Node[] = Array.from(positions, ([id, position]) => ({ id, position, data: {}, measured: sizes.get(id) }));
    const { width, height, transform } = canvas.getState();
    const now = { x: transform[0], y: transform[1], zoom: transform[2] };
    void setViewport(openingViewport(laidOut, width, height, now), { duration: FIT_WHOLE_FLOW.duration });
  }, [flow, getNodes, setViewport, editFlow, canvas]);
}
