// The list of flows on the home screen, with its loading, empty and error states.
import type { FlowSummary } from "../../api";
import { emptyFlowsMessage, lastUsed, plural, runCount } from "../../lib/format";
import { useAppActions, useAppState } from "../../store";
import { ErrorNotice } from "../ErrorNotice";
import { FavoriteButton } from "../FavoriteButton";

export function FlowList() {
  const flows = useAppState((state) => state.flows);
  const filter = useAppState((state) => state.filter);
  const { loadHome, clearFilter } = useAppActions();

  if (flows.status === "loading") {
    return <p className="list-status" aria-busy="true">Loading flows…</p>;
  }
  if (flows.status === "failed") {
    return <ErrorNotice title="Could not load the flows" error={flows.error} onRetry={() => void loadHome()} />;
  }
  if (flows.data.length === 0) {
    const filtered = filter.text.trim() !== "" || filter.tag !== null || filter.favoritesOnly;
    return (
      <div className="empty" data-testid="flow-list-empty">
        <p>{emptyFlowsMessage(filter)}</p>
        {filtered && (
          <button type="button" className="button" onClick={() => void clearFilter()}>
            Clear filters
          </button>
        )}
      </div>
    );
  }
  return (
    <ul className="card-list" data-testid="flow-list">
      {flows.data.map((flow) => (
        <FlowRow key={flow.composition_id} flow={flow} />
      ))}
    </ul>
  );
}

function FlowRow({ flow }: { readonly flow: FlowSummary }) {
  const { openFlow, toggleFavorite } = useAppActions();
  const open = () => void openFlow(flow.composition_id);
  const fromGallery = flow.meta.flow_template_id !== null;
  const used = lastUsed(flow.meta);

  return (
    // The whole row opens the flow; its button makes that reachable by keyboard.
    <li className="flow-row" data-testid="flow-item" data-composition-id={flow.composition_id} onClick={open}>
      <button type="button" className="flow-row__open" aria-label={`Open ${flow.name}`}>
        <span className="flow-row__name" data-testid="flow-name">
          {flow.name}
        </span>
        {flow.description !== "" && <span className="flow-row__description">{flow.description}</span>}
        {(flow.tags.length > 0 || fromGallery) && (
          <span className="flow-row__tags">
            {fromGallery && (
              <span className="tag tag--gallery" data-testid="flow-from-gallery">
                from gallery
              </span>
            )}
            {flow.tags.map((tag) => (
              <span key={tag} className="tag">
                {tag}
              </span>
            ))}
          </span>
        )}
      </button>
      <span className="flow-row__meta">
        <span>{plural(flow.node_count, "node")}</span>
        <span aria-hidden="true">·</span>
        <span>{runCount(flow.meta.execution_count)}</span>
        {used !== null && (
          <>
            <span aria-hidden="true">·</span>
            <span data-testid="flow-last-used">{used}</span>
          </>
        )}
      </span>
      <FavoriteButton favorite={flow.meta.is_favorite} onToggle={() => void toggleFavorite(flow.composition_id)} />
    </li>
  );
}
