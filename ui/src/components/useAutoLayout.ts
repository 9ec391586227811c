// Auto-layout as the canvas does it: the open flow laid out by ELK at the sizes React Flow
// measured, applied as one edit (undoable), then the view fitted to the result.
import { useReactFlow } from "@xyflow/react";
import { useCallback } from "react";
import { moveNodes } from "../lib/edit";
import { DEFAULT_NODE_SIZE, layeredPositions } from "../lib/layout";
import { useAppActions, useAppState } from "../store";

export function useAutoLayout(): () => Promise<void> {
  const { editFlow } = useAppActions();
  const flow = useAppState((state) => (state.flow.status === "ready" ? state.flow.data.flow : null));
  const { getNodes, fitView } = useReactFlow();
  return useCallback(async () => {
    if (flow === null) return;
    const sizes = new Map(
      getNodes().map((n) => [
        n.id,
        { width: n.measured?.width ?? DEFAULT_NODE_SIZE.width, height: n.measured?.height ?? DEFAULT_NODE_SIZE.height },
      ]),
    );
    const positions = await layeredPositions(flow, sizes);
    editFlow((f) => moveNodes(f, positions));
    requestAnimationFrame(() => void fitView({ duration: 200 }));
  }, [flow, getNodes, fitView, editFlow]);
}
