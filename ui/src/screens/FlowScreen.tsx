// The open flow, read-only: title bar with the way back, the canvas, and the side panel.
import type { ReactNode } from "react";
import { ErrorNotice } from "../components/ErrorNotice";
import { FavoriteButton } from "../components/FavoriteButton";
import { FlowCanvas } from "../components/FlowCanvas";
import { FlowSidebar } from "../components/FlowSidebar";
import { BackIcon } from "../components/icons";
import { useAppActions, useAppState } from "../store";
import "../styles/flow.css";

export function FlowScreen() {
  const route = useAppState((state) => state.route);
  const flow = useAppState((state) => state.flow);
  const templates = useAppState((state) => state.templates);
  const notice = useAppState((state) => state.notice);
  const { goHome, openFlow, toggleFavorite, dismissNotice } = useAppActions();
  const retry = route.screen === "flow" ? () => void openFlow(route.compositionId) : undefined;

  let body: ReactNode;
  if (flow.status === "failed") {
    body = (
      <div className="flow-status">
        <ErrorNotice title="Could not open this flow" error={flow.error} onRetry={retry} />
      </div>
    );
  } else if (templates.status === "failed") {
    body = (
      <div className="flow-status">
        <ErrorNotice title="Could not load the templates" error={templates.error} onRetry={retry} />
      </div>
    );
  } else if (flow.status === "loading" || templates.status === "loading") {
    body = (
      <div className="flow-status">
        <p className="list-status" aria-busy="true">
          Opening flow…
        </p>
      </div>
    );
  } else {
    body = (
      <div className="flow-body">
        <FlowCanvas detail={flow.data} templates={templates.data} />
        <FlowSidebar detail={flow.data} />
      </div>
    );
  }

  const composition = flow.status === "ready" ? flow.data.flow.composition : null;

  return (
    <div className="screen">
      <header className="topbar topbar--flow">
        <button type="button" className="back" data-testid="back" onClick={() => void goHome()}>
          <BackIcon />
          Flows
        </button>
        <div className="flow-heading">
          <h1 className="flow-heading__title" data-testid="flow-title">
            {composition?.name ?? ""}
          </h1>
          {composition !== null && composition.description !== "" && (
            <p className="flow-heading__description">{composition.description}</p>
          )}
        </div>
        {composition !== null && flow.status === "ready" && (
          <div className="flow-heading__aside">
            {composition.tags.map((tag) => (
              <span key={tag} className="tag">
                {tag}
              </span>
            ))}
            <FavoriteButton
              favorite={flow.data.meta.is_favorite}
              onToggle={() => void toggleFavorite(composition.composition_id)}
            />
          </div>
        )}
      </header>
      {notice && (
        <div className="flow-notice">
          <ErrorNotice error={notice} onDismiss={dismissNotice} />
        </div>
      )}
      {body}
    </div>
  );
}
