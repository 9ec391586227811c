// The one custom node type of the canvas: a template instance with its label and parameters,
// outlined and badged when the flow's problems name it.
import { Handle, Position, type NodeProps } from "@xyflow/react";
import { memo, useEffect, useState, type CSSProperties } from "react";
import { parameterHandle, type NodeParameter, type ParameterSource, type TemplateCanvasNode, type TemplateStatus } from "../lib/canvas";
import { describeCount, worstSeverity } from "../lib/problems";
import { describeProgress, nodeProgress, type NodeProgress } from "../lib/run";
import { useAppState } from "../store";

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

function sourceText(source: ParameterSource): string {
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

function TemplateNodeView({ data, selected }: NodeProps<TemplateCanvasNode>) {
  const style = data.accent === null ? undefined : ({ "--node-accent": data.accent } as CSSProperties);
  const severity = worstSeverity(data.problems);
  const progress = useAppState((state) => nodeProgress(state.run, data.nodeId));
  const className = ["tnode", ...(selected ? ["tnode--selected"] : []), ...(severity ? [`tnode--${severity}`] : [])].join(" ");
  return (
    <div className={className} data-testid="canvas-node" data-node-id={data.nodeId} data-severity={severity ?? undefined} style={style}>
      {severity !== null && (
        <span
          className={`tnode__badge tnode__badge--${severity}`}
          data-testid="node-problem-badge"
          data-severity={severity}
          title={describeCount(data.problems)}
          aria-label={describeCount(data.problems)}
        >
          {data.problems.errors + data.problems.warnings}
        </span>
      )}
      <Handle type="target" position={Position.Left} data-testid="node-input" />
      <div className="tnode__head">
        <div className="tnode__label" data-testid="node-label">
          {data.label}
        </div>
        {/* The template's name, unless the label already is it. */}
        {(data.label !== data.templateName || data.templateStatus !== "ok") && (
          <div className={`tnode__template tnode__template--${data.templateStatus}`}>
            {templateLine(data.templateName, data.templateStatus)}
          </div>
        )}
      </div>
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
