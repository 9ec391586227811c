// The open flow's side panel: the inspector for the selection, the flow's problems, its global
// parameters and tags (editable), its history and facts.
import type { Diagnostic, FlowDetail } from "../../api";
import type { Catalogue } from "../../lib/catalogue";
import { useAppState } from "../../store";
import { GlobalsEditor, TagsEditor } from "./FlowSettings";
import { Inspector } from "./Inspector";
import { formatTimestamp, plural, runCount } from "../../lib/format";
import { HistoryPanel } from "./HistoryPanel";
import { ProblemsPanel } from "./ProblemsPanel";

type Props = {
  readonly detail: FlowDetail;
  readonly catalogue: Catalogue;
  readonly diagnostics: readonly Diagnostic[];
};

export function FlowSidebar({ detail, catalogue, diagnostics }: Props) {
  const { composition, nodes, connections } = detail.flow;
  const { meta } = detail;
  const selectedNode = useAppState((state) => state.selectedNode);
  const selectedConnection = useAppState((state) => state.selectedConnection);

  return (
    <aside className="sidebar" aria-label="Flow details">
      <Inspector
        flow={detail.flow}
        catalogue={catalogue}
        diagnostics={diagnostics}
        nodeId={selectedNode}
        connectionId={selectedConnection}
      />
      <ProblemsPanel detail={detail} />
      <GlobalsEditor flow={detail.flow} />
      <TagsEditor flow={detail.flow} />
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
