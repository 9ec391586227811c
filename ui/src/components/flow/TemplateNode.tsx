// The canvas's node for a template instance: its label and parameters, outlined and badged when
// the flow's problems name it, marked when its template has a newer version or runs on a data
// source other than this computer, with its progress
// in the run on screen. Zoomed out, where its text would be a few pixels high, it is drawn as a
// box with a large label and its handles only (level of detail: far fewer elements to lay out
// and paint on a large flow).
import { Handle, Position, useStore, type NodeHandle, type NodeProps, type ReactFlowState } from "@xyflow/react";
import { memo, useEffect, useState, type CSSProperties } from "react";
import {
  estimateBox,
  parameterHandle,
  showsTemplateLine,
  type NodeParameter,
  type ParameterSource,
  type TemplateCanvasNode,
  type TemplateNodeData,
  type TemplateStatus,
} from "../../lib/canvas";
import { describeCount, worstSeverity } from "../../lib/problems";
import { sourceBadge } from "../../lib/sources";
import { describeProgress, nodeProgress, type NodeProgress } from "../../lib/run";
import { useAppState } from "../../store";

/** The line under a node's label: its template's name, or why the template cannot be used. */
function templateLine(name: string, status: TemplateStatus): string {
  switch (status) {
    case "ok":
      return name;
    case "missing":
      return `Missing template ${name}`;
    case "inactive":
      return `${name} (inactive)`;
  }
}

/**
 * A node's label and, under it, its template's name unless the label already is it: the
 * canvas's node and a version drawing's (only the canvas's label has a test id).
 */
export function NodeHead({ data, labelTestId }: { readonly data: TemplateNodeData; readonly labelTestId?: string }) {
  return (
    <div className="tnode__head">
      <div className="tnode__label" data-testid={labelTestId}>
        {data.label}
      </div>
      {showsTemplateLine(data) && (
        <div className={`tnode__template tnode__template--${data.templateStatus}`}>
          {templateLine(data.templateName, data.templateStatus)}
        </div>
      )}
    </div>
  );
}

/** Where a parameter's value comes from, as its row on the node shows it. */
export function sourceText(source: ParameterSource): string {
  switch (source.kind) {
    case "upstream":
      return `← ${source.column}`;
    case "override":
    case "default":
      return source.value;
    case "global":
      return "global";
    case "unset":
      return "—";
  }
}

function sourceTitle(param: NodeParameter): string {
  const type = `${param.type}${param.list ? "[]" : ""}${param.required ? ", required" : ""}`;
  const { source } = param;
  switch (source.kind) {
    case "upstream":
      return `${param.name} (${type}) from ${source.fromNodeLabel} · ${source.column}`;
    case "override":
      return `${param.name} (${type}) set on this node: ${source.value}`;
    case "global":
      return `${param.name} (${type}) from the flow's global parameter`;
    case "default":
      return `${param.name} (${type}) template default: ${source.value}`;
    case "unset":
      return `${param.name} (${type}) not set`;
  }
}

/** Below this zoom a node is drawn as its box, label and handles only. */
export const FAR_ZOOM = 0.5;
export const zoomedOut = (state: ReactFlowState): boolean => state.transform[2] < FAR_ZOOM;

type ViewProps = {
  readonly data: TemplateNodeData;
  readonly className: string;
  readonly style: CSSProperties | undefined;
  readonly severity: ReturnType<typeof worstSeverity>;
  readonly progress: NodeProgress | null;
};

function TemplateNodeView({ data, selected }: NodeProps<TemplateCanvasNode>) {
  const far = useStore(zoomedOut);
  const severity = worstSeverity(data.problems);
  const progress = useAppState((state) => nodeProgress(state.run, data.nodeId));
  const view: ViewProps = {
    data,
    severity,
    progress,
    style: data.accent === null ? undefined : ({ "--node-accent": data.accent } as CSSProperties),
    className: [
      "tnode",
      ...(far ? ["tnode--far"] : []),
      ...(selected ? ["tnode--selected"] : []),
      ...(severity ? [`tnode--${severity}`] : []),
      ...(progress ? [`tnode--${progress.status.toLowerCase()}`] : []),
    ].join(" "),
  };
  return far ? <FarNode {...view} /> : <NearNode {...view} />;
}

function ProblemBadge({ data, severity }: Pick<ViewProps, "data" | "severity">) {
  if (severity === null) return null;
  return (
    <span
      className={`tnode__badge tnode__badge--${severity}`}
      data-testid="node-problem-badge"
      data-severity={severity}
      title={describeCount(data.problems)}
      aria-label={describeCount(data.problems)}
    >
      {data.problems.errors + data.problems.warnings}
    </span>
  );
}

/** The data source the node's template runs on, when it is not this computer: its name. */
function SourceBadge({ sourceId }: { readonly sourceId: string }) {
  const name = useAppState((state) => sourceBadge(sourceId, state.sources.list.status === "ready" ? state.sources.list.data : []));
  if (name === null) return null;
  const title = `Runs on data source ${name} (${sourceId})`;
  return (
    <span className="tnode__source" data-testid="node-source-badge" data-source-id={sourceId} title={title} aria-label={title}>
      {name}
    </span>
  );
}

/** A newer version of the node's template, neither taken nor declined (the inspector offers both). */
function UpdateMarker({ from, to }: { readonly from: number; readonly to: number }) {
  const title = `Its template changed (version ${from} → ${to}): select the node to update it or keep version ${from}`;
  return (
    <span className="tnode__update" data-testid="node-template-update" title={title} aria-label={title}>
      v{from} → v{to}
    </span>
  );
}

function NearNode({ data, className, style, severity, progress }: ViewProps) {
  return (
    <div className={className} data-testid="canvas-node" data-node-id={data.nodeId} data-severity={severity ?? undefined} style={style}>
      <ProblemBadge data={data} severity={severity} />
      {data.templateUpdate !== null && <UpdateMarker from={data.templateUpdate.from} to={data.templateUpdate.to} />}
      <SourceBadge sourceId={data.sourceId} />
      <Handle type="target" position={Position.Left} data-testid="node-input" />
      <NodeHead data={data} labelTestId="node-label" />
      {data.parameters.length > 0 && (
        <ul className="tnode__params">
          {data.parameters.map((param) => (
            <li
              key={param.name}
              className={`tnode__param tnode__param--${param.source.kind}`}
              title={sourceTitle(param)}
              data-testid="node-param"
              data-param={param.name}
            >
              {/* Drop a connection here to feed this parameter from an upstream column. */}
              <Handle type="target" position={Position.Left} id={parameterHandle(param.name)} className="tnode__param-handle" />
              <span className="tnode__param-name">
                {param.name}
                {param.required && param.source.kind === "unset" && <span className="tnode__required">*</span>}
              </span>
              <span className="tnode__param-value">{sourceText(param.source)}</span>
            </li>
          ))}
        </ul>
      )}
      {data.note !== null && <div className="tnode__note">{data.note}</div>}
      {progress !== null && (
        <div
          className={`tnode__run tnode__run--${progress.status.toLowerCase()}`}
          data-testid="node-status"
          data-status={progress.status}
          title={progress.error ?? undefined}
        >
          {progress.status === "RUNNING" ? <Ticking progress={progress} /> : describeProgress(progress)}
        </div>
      )}
      <Handle type="source" position={Position.Right} data-testid="node-output" />
    </div>
  );
}

/**
 * The node seen from afar: the same box, its label large, its progress as a tint. Its handles
 * sit where the near node's do (`estimateBox`), so edges do not move when the zoom crosses over.
 */
function FarNode({ data, className, style, severity, progress }: ViewProps) {
  const { size, handles } = estimateBox(data);
  return (
    <div
      className={className}
      data-testid="canvas-node"
      data-node-id={data.nodeId}
      data-severity={severity ?? undefined}
      data-status={progress?.status}
      title={progress?.error ?? undefined}
      style={{ ...style, height: size.height }}
    >
      <ProblemBadge data={data} severity={severity} />
      {handles.map((handle) => (
        <FarHandle key={handle.id ?? handle.type} handle={handle} />
      ))}
      <div className="tnode__far-label" data-testid="node-label">
        {data.label}
      </div>
    </div>
  );
}

/**
 * A handle of a node seen from afar: marked up as React Flow's `Handle` is (the classes and
 * data attributes it measures edges' ends by), but inert. A `Handle` subscribes to React
 * Flow's store, and hundreds of them re-ran their selectors on every frame of a pan; from
 * afar nothing is connected (zoom in to connect), so none is needed.
 */
function FarHandle({ handle }: { readonly handle: NodeHandle }) {
  const classes = ["react-flow__handle", `react-flow__handle-${handle.position}`, handle.type];
  if (handle.id !== null) classes.push("tnode__param-handle");
  return (
    <div
      className={classes.join(" ")}
      data-handleid={handle.id ?? undefined}
      data-handlepos={handle.position}
      // Handles are placed by their centre, inside the node's 1px border.
      style={{ top: handle.y + (handle.height ?? 0) / 2 - 1 }}
    />
  );
}

/** A running node's chip text, with the time it has taken so far, redrawn ten times a second. */
function Ticking({ progress }: { readonly progress: NodeProgress }) {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => {
      setNow(Date.now());
    }, 100);
    return () => {
      clearInterval(timer);
    };
  }, []);
  return <>{describeProgress(progress, now)}</>;
}

export const TemplateNode = memo(TemplateNodeView);
