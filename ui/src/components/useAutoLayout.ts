// Auto-layout as the canvas does it: the open flow laid out by ELK at the sizes React Flow
// measured (or, for nodes not drawn yet, estimated), applied as one edit (undoable), then the view fitted to the result.
import { useReactFlow } from "@xyflow/react";
import { useCallback } from "react";
import { moveNodes } from "../lib/edit";
import { FIT_WHOLE_FLOW, nodeSize } from "../lib/canvas";
import { layeredPositions } from "../lib/layout";
import { useAppActions, useAppState } from "../store";

export function useAutoLayout(): () => Promise<void> {
  const { editFlow } = useAppActions();
  const flow = useAppState((state) => (state.flow.status === "ready" ? state.flow.data.flow : null));
  const { getNodes, fitView } = useReactFlow();
  return useCallback(async () => {
    if (flow === null) return;
    const sizes = new Map(getNodes().map((n) => [n.id, nodeSize(n)]));
    const positions = await layeredPositions(flow, sizes);
    editFlow((f) => moveNodes(f, positions));
    requestAnimationFrame(() => void fitView(FIT_WHOLE_FLOW));
  }, [flow, getNodes, fitView, editFlow]);
}
