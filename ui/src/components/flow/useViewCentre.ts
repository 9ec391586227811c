// Where something new goes when it is added from a button or a key: the middle of the canvas
// as it is on screen, in flow coordinates, for an element of the given size.
import { useReactFlow } from "@xyflow/react";
import { useCallback } from "react";
import type { Point } from "../../lib/edit";

export function useViewCentre(): (size: { readonly width: number; readonly height: number }) => Point {
  const { screenToFlowPosition } = useReactFlow();
  return useCallback(
    ({ width, height }) => {
      const canvas = document.querySelector('[data-testid="canvas"]')?.getBoundingClientRect();
      const middle = canvas
        ? { x: canvas.left + (canvas.width - width) / 2, y: canvas.top + (canvas.height - height) / 2 }
        : { x: 0, y: 0 };
      return screenToFlowPosition(middle);
    },
    [screenToFlowPosition],
  );
}
