// The selected node's kept result in the run on screen: its rows a page at a time, or the page
// as a chart when the node's template has a chart config (both drawn by `ResultView`), and
// export of the whole result as CSV, JSON or Parquet.
import { useState } from "react";
import type { ExportFormat, ResultPage } from "../../api";
import type { Catalogue } from "../../lib/catalogue";
import { nodeChart } from "../../lib/chart";
import { neighbours, pageLabel } from "../../lib/results";
import { useAppActions, useAppState } from "../../store";
import { PageButtons } from "../PageButtons";
import { ResultView, type ResultShown } from "../ResultView";

const FORMATS: readonly ExportFormat[] = ["csv", "json", "parquet"];

export function ResultsDrawer({ catalogue }: { readonly catalogue: Catalogue }) {
  const results = useAppState((state) => state.results);
  const chart = useAppState((state) =>
    state.results.status !== "none" && state.flow.status === "ready" ? nodeChart(state.flow.data, catalogue, state.results.nodeId) : null,
  );
  const [view, setView] = useState<ResultShown>("table");
  const { pageResults } = useAppActions();
  if (results.status === "none") return null;
  const title = (
    <h3 className="drawer__title" data-testid="results-title">
      <code>{results.nodeId}</code> in run {results.runId}
    </h3>
  );

  return (
    <section className="drawer" aria-label="Result" data-testid="results-drawer">
      {results.status === "ready" ? (
        <ResultView
          page={results.page}
          chart={chart}
          view={view}
          onView={setView}
          head={(viewSwitch) => (
            <header className="drawer__head">
              {title}
              <span className="drawer__count" data-testid="results-count">
                {pageLabel(results.page)}
              </span>
              <Pager page={results.page} onPage={(offset) => void pageResults(offset)} />
              {viewSwitch}
              <Exports />
            </header>
          )}
        />
      ) : (
        <header className="drawer__head">{title}</header>
      )}
      {results.status === "loading" && (
        <p className="drawer__status" aria-busy="true">
          Loading rows…
        </p>
      )}
      {results.status === "failed" && <p className="drawer__status drawer__status--error">{results.error.message}</p>}
    </section>
  );
}

function Pager({ page, onPage }: { readonly page: ResultPage; readonly onPage: (offset: number) => void }) {
  const { previous, next } = neighbours(page);
  return (
    <div className="drawer__pager">
      <PageButtons previous={previous} next={next} onPage={onPage} testIdPrefix="results" />
    </div>
  );
}

function Exports() {
  const { exportResult } = useAppActions();
  return (
    <div className="drawer__exports">
      {FORMATS.map((format) => (
        <button
          key={format}
          type="button"
          className="button button--small"
          data-testid={`export-result-${format}`}
          onClick={() => void exportResult(format)}
        >
          {format.toUpperCase()}
        </button>
      ))}
    </div>
  );
}
