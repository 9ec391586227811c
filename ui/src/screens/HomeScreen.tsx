// Home: the workspace header, the import, the ways to the gallery, the templates, the data
// tables, the schedules and the data sources, the filters and the flow list.
import { ErrorNotice } from "../components/ErrorNotice";
import { FlowFilters } from "../components/home/FlowFilters";
import { FlowList } from "../components/home/FlowList";
import { ImportButton, ImportResult } from "../components/home/ImportFlow";
import { LogoMark } from "../components/icons";
import { NameDialog } from "../components/NameDialog";
import { useState } from "react";
import { useAppActions, useAppState } from "../store";
import "../styles/home.css";

export function HomeScreen() {
  const workspace = useAppState((state) => state.workspace);
  const notice = useAppState((state) => state.notice);
  const { dismissNotice, createFlow, openTables, openSchedules, openTemplates, openGallery, openSources } = useAppActions();
  const [naming, setNaming] = useState(false);

  return (
    <div className="screen">
      <header className="topbar">
        <div className="brand">
          <LogoMark />
          <h1>Flowloom</h1>
        </div>
        {workspace.status === "ready" && (
          <span className="workspace" data-testid="workspace" title={workspace.data.root}>
            <bdi>{workspace.data.root}</bdi>
          </span>
        )}
        {workspace.status === "failed" && <span className="workspace workspace--error">{workspace.error.message}</span>}
      </header>
      <main className="home-scroll">
        <div className="home">
          <div className="home__intro">
            <div>
              <h2>Flows</h2>
              <p>Chains of query templates. Open one to see how its results feed each other, or start a new one.</p>
            </div>
            <div className="home__actions">
              <button
                type="button"
                className="button button--primary"
                data-testid="new-flow"
                onClick={() => {
                  setNaming(true);
                }}
              >
                New flow
              </button>
              <ImportButton />
              <button type="button" className="button" data-testid="open-gallery" onClick={() => void openGallery()}>
                Gallery
              </button>
              <button type="button" className="button" data-testid="open-templates" onClick={() => void openTemplates()}>
                Templates
              </button>
              <button type="button" className="button" data-testid="open-tables" onClick={() => void openTables()}>
                Data tables
              </button>
              <button type="button" className="button" data-testid="open-schedules" onClick={() => void openSchedules()}>
                Schedules
              </button>
              <button type="button" className="button" data-testid="open-sources" onClick={() => void openSources()}>
                Data sources
              </button>
            </div>
          </div>
          <ImportResult />
          {notice && <ErrorNotice error={notice} onDismiss={dismissNotice} />}
          <FlowFilters />
          <FlowList />
        </div>
      </main>
      {naming && (
        <NameDialog
          title="New flow"
          initial=""
          confirm="Create"
          onConfirm={(name) => {
            setNaming(false);
            void createFlow(name);
          }}
          onCancel={() => {
            setNaming(false);
          }}
        />
      )}
    </div>
  );
}
