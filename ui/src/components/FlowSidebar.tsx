// The open flow's side panel: the inspector for the selection, the flow's problems, its global
// parameters and its history.
import type { Diagnostic, FlowDetail, TemplateDetail } from "../api";
import { useAppState } from "../store";
import { Inspector } from "./Inspector";
import { formatTimestamp, formatValue, plural, runCount } from "../lib/format";
import { HistoryPanel } from "./HistoryPanel";
import { ProblemsPanel } from "./ProblemsPanel";

type Props = {
  readonly detail: FlowDetail;
  readonly templates: readonly TemplateDetail[];
  readonly diagnostics: readonly Diagnostic[];
};

export function FlowSidebar({ detail, templates, diagnostics }: Props) {
  const { composition, nodes, connections } = detail.flow;
  const { meta } = detail;
  const selectedNode = useAppState((state) => state.selectedNode);
  const selectedConnection = useAppState((state) => state.selectedConnection);

  return (
    <aside className="sidebar" aria-label="Flow details">
      <Inspector
        flow={detail.flow}
        templates={templates}
        diagnostics={diagnostics}
        nodeId={selectedNode}
        connectionId={selectedConnection}
      />
      <ProblemsPanel detail={detail} />
      <section>
        <h3>Global parameters</h3>
        {composition.global_parameters.length === 0 ? (
          <p className="muted">This flow has no global parameters.</p>
        ) : (
          <ul className="globals" data-testid="global-parameters">
            {composition.global_parameters.map((param) => (
              <li key={param.name} className="global">
                <div className="global__head">
                  <code className="global__name">{param.name}</code>
                  <span className="global__type">
                    {param.type}
                    {param.list ? "[]" : ""}
                  </span>
                </div>
                {param.default !== undefined && param.default !== null && (
                  <div className="global__default">
                    Default <code>{formatValue(param.default)}</code>
                  </div>
                )}
                {param.description && <p className="global__description">{param.description}</p>}
              </li>
            ))}
          </ul>
        )}
      </section>
      <HistoryPanel />
      <section>
        <h3>Details</h3>
        <dl className="facts">
          <dt>Shape</dt>
          <dd>
            {plural(nodes.length, "node")}, {plural(connections.length, "connection")}
          </dd>
          <dt>Runs</dt>
          <dd>{runCount(meta.execution_count)}</dd>
          {meta.last_executed_at !== null && (
            <>
              <dt>Last run</dt>
              <dd>{formatTimestamp(meta.last_executed_at)}</dd>
            </>
          )}
          <dt>Updated</dt>
          <dd>{formatTimestamp(meta.updated_at)}</dd>
          <dt>Created</dt>
          <dd>{formatTimestamp(meta.created_at)}</dd>
          <dt>Id</dt>
          <dd>
            <code>{composition.composition_id}</code>
          </dd>
        </dl>
      </section>
    </aside>
  );
}
