// The side panel's Problems section: what `validateFlow` found in the open flow, errors first.
// Clicking a problem that names a node (or a connection) selects it on the canvas and brings
// it into view; it needs the canvas's ReactFlowProvider around it (the flow screen has one).
import { useReactFlow } from "@xyflow/react";
import { useCallback, useMemo } from "react";
import type { Diagnostic, FlowDetail } from "../../api";
import type { MappingCanvasEdge, TemplateCanvasNode } from "../../lib/canvas";
import { nodeSize, selectOnly } from "../../lib/canvas";
import { countProblems, describeCount, indexFlow, problemFocus, sortProblems, worstSeverity, type ProblemFocus } from "../../lib/problems";
import { useAppActions, useAppState } from "../../store";
import { CheckIcon, ErrorIcon, WarningIcon } from "../icons";

const FOCUS_MS = 300;
/** Zoomed further out than this, a focused node is brought up to it so it can be read. */
const FOCUS_MIN_ZOOM = 0.85;
const none = new Set<string>();

/** Selects what a problem points at and moves the view onto it. */
function useFocusProblem(): (focus: ProblemFocus) => void {
  const { getNode, getZoom, setNodes, setEdges, setCenter, fitView } = useReactFlow<TemplateCanvasNode, MappingCanvasEdge>();
  return useCallback(
    (focus) => {
      if (focus.kind === "node") {
        setNodes((nodes) => selectOnly(nodes, new Set([focus.nodeId])));
        setEdges((edges) => selectOnly(edges, none));
        const node = getNode(focus.nodeId);
        if (node === undefined) return;
        const { width, height } = nodeSize(node);
        void setCenter(node.position.x + width / 2, node.position.y + height / 2, {
          zoom: Math.max(getZoom(), FOCUS_MIN_ZOOM),
          duration: FOCUS_MS,
        });
      } else {
        setNodes((nodes) => selectOnly(nodes, none));
        setEdges((edges) => selectOnly(edges, new Set([focus.connectionId])));
        void fitView({ nodes: focus.nodeIds.map((id) => ({ id })), padding: 0.4, maxZoom: 1.1, duration: FOCUS_MS });
      }
    },
    [getNode, getZoom, setNodes, setEdges, setCenter, fitView],
  );
}

export function ProblemsPanel({ detail }: { readonly detail: FlowDetail }) {
  const problems = useAppState((state) => state.problems);
  const { checkFlow } = useAppActions();
  const index = useMemo(() => indexFlow(detail.flow), [detail.flow]);
  const focus = useFocusProblem();

  let summary: string;
  let tone: "loading" | "failed" | "error" | "warning" | "ok";
  if (problems.status === "loading") {
    summary = "Checking…";
    tone = "loading";
  } else if (problems.status === "failed") {
    summary = "Not checked";
    tone = "failed";
  } else {
    const count = countProblems(problems.data);
    summary = describeCount(count);
    tone = worstSeverity(count) ?? "ok";
  }

  return (
    <section className="problems" data-testid="problems" aria-labelledby="problems-heading" aria-busy={problems.status === "loading"}>
      <div className="problems__head">
        <h3 id="problems-heading">Problems</h3>
        <span className={`problems__summary problems__summary--${tone}`} data-testid="problems-summary">
          {tone === "ok" && <CheckIcon size={13} />}
          {summary}
        </span>
      </div>
      {problems.status === "failed" && (
        <div className="problems__failed">
          <p>Could not check this flow: {problems.error.message}</p>
          <button type="button" className="button" onClick={() => void checkFlow()}>
            Check again
          </button>
        </div>
      )}
      {problems.status === "ready" && problems.data.length > 0 && (
        <ul className="problems__list">
          {sortProblems(problems.data).map((diagnostic, i) => (
            <li key={`${diagnostic.path}-${diagnostic.code}-${i}`}>
              <ProblemItem diagnostic={diagnostic} focus={problemFocus(diagnostic, index)} onFocus={focus} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

type ItemProps = {
  readonly diagnostic: Diagnostic;
  readonly focus: ProblemFocus | null;
  readonly onFocus: (focus: ProblemFocus) => void;
};

function ProblemItem({ diagnostic, focus, onFocus }: ItemProps) {
  const content = (
    <>
      <span className={`problem__icon problem__icon--${diagnostic.severity}`}>
        {diagnostic.severity === "error" ? <ErrorIcon size={14} /> : <WarningIcon size={14} />}
        <span className="visually-hidden">{diagnostic.severity === "error" ? "Error:" : "Warning:"}</span>
      </span>
      <span className="problem__text">
        <span className="problem__message">{diagnostic.message}</span>
        <code className="problem__code">{diagnostic.code}</code>
      </span>
    </>
  );
  const common = {
    "data-testid": "problem",
    "data-code": diagnostic.code,
    "data-severity": diagnostic.severity,
    title: diagnostic.path === "" ? undefined : diagnostic.path,
  };
  if (focus === null) {
    return (
      <div className={`problem problem--${diagnostic.severity}`} {...common}>
        {content}
      </div>
    );
  }
  return (
    <button
      type="button"
      className={`problem problem--${diagnostic.severity} problem--focusable`}
      {...common}
      onClick={() => {
        onFocus(focus);
      }}
    >
      {content}
    </button>
  );
}
