// The selected node's kept result in the run on screen: its columns with their types, its rows
// a page at a time (the page's rows virtualised, so a long page scrolls smoothly), the page as
// a chart when the node's template has a chart config, and export of the whole result as CSV,
// JSON or Parquet.
import { PageButtons } from "./PageButtons";
import { useVirtualizer } from "@tanstack/react-virtual";
import { Suspense, lazy, useMemo, useRef, useState } from "react";
import type { ChartConfig, ExportFormat, ResultPage } from "../api";
import type { Catalogue } from "../lib/catalogue";
import { chartPlan, nodeChart } from "../lib/chart";
import { cellText, neighbours, pageLabel } from "../lib/results";
import { useAppActions, useAppState } from "../store";

// ECharts is loaded the first time a chart is shown, not with the app.
const ResultChart = lazy(() => import("./ResultChart"));

const ROW_HEIGHT = 26;
const FORMATS: readonly ExportFormat[] = ["csv", "json", "parquet"];

type View = "table" | "chart";

export function ResultsDrawer({ catalogue }: { readonly catalogue: Catalogue }) {
  const results = useAppState((state) => state.results);
  const chart = useAppState((state) =>
    state.results.status !== "none" && state.flow.status === "ready" ? nodeChart(state.flow.data, catalogue, state.results.nodeId) : null,
  );
  const [view, setView] = useState<View>("table");
  const { pageResults, exportResult } = useAppActions();
  if (results.status === "none") return null;
  const shown = chart === null ? "table" : view;

  return (
    <section className="drawer" aria-label="Result" data-testid="results-drawer">
      <header className="drawer__head">
        <h3 className="drawer__title" data-testid="results-title">
          <code>{results.nodeId}</code> in run {results.runId}
        </h3>
        {results.status === "ready" && (
          <>
            <span className="drawer__count" data-testid="results-count">
              {pageLabel(results.page)}
            </span>
            <Pager page={results.page} onPage={(offset) => void pageResults(offset)} />
            {chart !== null && <ViewSwitch view={shown} onView={setView} />}
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
          </>
        )}
      </header>
      {results.status === "loading" && (
        <p className="drawer__status" aria-busy="true">
          Loading rows…
        </p>
      )}
      {results.status === "failed" && <p className="drawer__status drawer__status--error">{results.error.message}</p>}
      {results.status === "ready" && shown === "table" && <ResultTable page={results.page} />}
      {results.status === "ready" && shown === "chart" && chart !== null && <PageChart config={chart} page={results.page} />}
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

function ViewSwitch({ view, onView }: { readonly view: View; readonly onView: (view: View) => void }) {
  return (
    <div className="segmented" role="group" aria-label="Show the result as">
      {(["table", "chart"] as const).map((choice) => (
        <button
          key={choice}
          type="button"
          className="segmented__choice"
          aria-pressed={view === choice}
          data-testid={`results-view-${choice}`}
          onClick={() => {
            onView(choice);
          }}
        >
          {choice === "table" ? "Table" : "Chart"}
        </button>
      ))}
    </div>
  );
}

/** The page on screen drawn as the template's chart, or why it cannot be. */
function PageChart({ config, page }: { readonly config: ChartConfig; readonly page: ResultPage }) {
  const plan = useMemo(() => chartPlan(config, page), [config, page]);
  if (!plan.ok) {
    return (
      <p className="drawer__status" data-testid="result-chart-problem">
        {plan.reason}
      </p>
    );
  }
  return (
    <div className="rchart">
      {plan.note !== null && <p className="rchart__note">{plan.note}</p>}
      <Suspense fallback={<p className="drawer__status">Drawing…</p>}>
        <ResultChart option={plan.option} />
      </Suspense>
    </div>
  );
}

function ResultTable({ page }: { readonly page: ResultPage }) {
  const scroller = useRef<HTMLDivElement>(null);
  // The virtualiser hands back functions that must not be memoised; this component is meant
  // to re-render with it, so the React Compiler's skip is what we want.
  // eslint-disable-next-line react-hooks/incompatible-library
  const rows = useVirtualizer({
    count: page.rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const template = `repeat(${page.columns.length}, minmax(120px, 1fr))`;

  return (
    <div className="rtable" ref={scroller} role="table" aria-rowcount={page.total_rows}>
      <div className="rtable__head" role="row" style={{ gridTemplateColumns: template }}>
        {page.columns.map((column) => (
          <div key={column.name} className="rtable__th" role="columnheader" data-testid="result-column">
            <span className="rtable__name">{column.name}</span>
            <span className="rtable__type">{column.data_type}</span>
          </div>
        ))}
      </div>
      <div className="rtable__body" style={{ height: rows.getTotalSize() }}>
        {rows.getVirtualItems().map((item) => {
          const row = page.rows[item.index] ?? {};
          return (
            <div
              key={item.key}
              className="rtable__row"
              role="row"
              data-testid="result-row"
              style={{ gridTemplateColumns: template, transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
            >
              {page.columns.map((column) => (
                <div key={column.name} className="rtable__td" role="cell">
                  {cellText(row[column.name])}
                </div>
              ))}
            </div>
          );
        })}
      </div>
    </div>
  );
}
