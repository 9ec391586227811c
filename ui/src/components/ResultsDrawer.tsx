// The selected node's kept result in the run on screen: its columns with their types, its rows
// a page at a time (the page's rows virtualised, so a long page scrolls smoothly), and export
// of the whole result as CSV, JSON or Parquet.
import { useVirtualizer } from "@tanstack/react-virtual";
import { useRef } from "react";
import type { ExportFormat, ResultPage } from "../api";
import { cellText, neighbours, pageLabel } from "../lib/results";
import { useAppActions, useAppState } from "../store";

const ROW_HEIGHT = 26;
const FORMATS: readonly ExportFormat[] = ["csv", "json", "parquet"];

export function ResultsDrawer() {
  const results = useAppState((state) => state.results);
  const { pageResults, exportResult } = useAppActions();
  if (results.status === "none") return null;

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
      {results.status === "ready" && <ResultTable page={results.page} />}
    </section>
  );
}

function Pager({ page, onPage }: { readonly page: ResultPage; readonly onPage: (offset: number) => void }) {
  const { previous, next } = neighbours(page);
  return (
    <div className="drawer__pager">
      <button
        type="button"
        className="button button--small"
        data-testid="results-previous"
        disabled={previous === null}
        onClick={() => {
          if (previous !== null) onPage(previous);
        }}
      >
        Previous
      </button>
      <button
        type="button"
        className="button button--small"
        data-testid="results-next"
        disabled={next === null}
        onClick={() => {
          if (next !== null) onPage(next);
        }}
      >
        Next
      </button>
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
