// The canvas edge: a curve from source to target with its mappings as an HTML label, which can
// wrap onto two lines where a one-line SVG label would run under the nodes. A connection named
// by a problem is drawn in its colour (the edge's class, set by `markEdges`, and its label).
// Zoomed out, the label is left off.
import { BaseEdge, EdgeLabelRenderer, getBezierPath, useStore, type EdgeProps } from "@xyflow/react";
import { memo } from "react";
import type { MappingCanvasEdge } from "../../lib/canvas";
import { formatMapping } from "../../lib/mapping";
import { nodeProgress } from "../../lib/run";
import { useAppState } from "../../store";
import { zoomedOut } from "./TemplateNode";

function MappingEdgeView(props: EdgeProps<MappingCanvasEdge>) {
  const { id, target, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, markerEnd, data, selected } = props;
  // Data flows along the connection while the node it feeds runs.
  const flowing = useAppState((state) => nodeProgress(state.run, target)?.status === "RUNNING");
  // Zoomed out, labels would be unreadable: the curve alone (see TemplateNode's level of detail).
  const far = useStore(zoomedOut);
  const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, sourcePosition, targetX, targetY, targetPosition });
  const mappings = data?.mappings ?? [];
  const severity = data?.severity ?? null;
  const labelClass = ["edge-label", ...(selected ? ["edge-label--selected"] : []), ...(severity ? [`edge-label--${severity}`] : [])].join(" ");

  return (
    <>
      <BaseEdge id={id} path={path} markerEnd={markerEnd} className={flowing ? "edge--flowing" : undefined} />
      {mappings.length > 0 && !far && (
        <EdgeLabelRenderer>
          <div
            className={labelClass}
            data-testid="edge-label"
            data-severity={severity ?? undefined}
            style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
          >
            {mappings.map((mapping) => (
              <div key={mapping.targetParam}>{formatMapping(mapping)}</div>
            ))}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
}

export const MappingEdge = memo(MappingEdgeView);
