// A page of a result as the canvas's results drawer and the template editor's test run both
// show it: its columns with their types and its rows (virtualised, so a long page scrolls
// smoothly), or the page as the template's chart when there is one, with a Table/Chart switch
// the caller places in its own header. ECharts is loaded the first time a chart is shown.
// Numbers read grouped and right-aligned, floats without their noise; a copy takes the cells'
// exact digits, as an export does.
import { useVirtualizer } from "@tanstack/react-virtual";
import { Suspense, lazy, useMemo, useRef, type ClipboardEvent, type ReactNode } from "react";
import type { ChartConfig, ResultPage } from "../api";
import { chartPlan } from "../lib/chart";
import { cellDisplay, cellText, copiedText, isNumericColumn, type CopiedCell } from "../lib/results";

const ResultChart = lazy(() => import("./ResultChart"));

const ROW_HEIGHT = 26;

/** Table or chart; the caller keeps it, so it outlasts the next page (or test run) loading. */
export type ResultShown = "table" | "chart";

type Props = {
  readonly page: ResultPage;
  /** The template's chart; with none the page shows as a table alone, with no switch. */
  readonly chart: ChartConfig | null;
  readonly view: ResultShown;
  readonly onView: (view: ResultShown) => void;
  /** The caller's header, handed the switch (null when there is no chart) to place in it. */
  readonly head: (viewSwitch: ReactNode) => ReactNode;
  /** Test ids on each shown row and each column header. */
  readonly rowTestId?: string;
  readonly columnTestId?: string;
};

export function ResultView({ page, chart, view, onView, head, rowTestId = "result-row", columnTestId = "result-column" }: Props) {
  const shown = chart === null ? "table" : view;
  return (
    <>
      {head(chart === null ? null : <ViewSwitch view={shown} onView={onView} />)}
      {shown === "chart" && chart !== null ? (
        <PageChart config={chart} page={page} />
      ) : (
        <ResultTable page={page} rowTestId={rowTestId} columnTestId={columnTestId} />
      )}
    </>
  );
}

function ViewSwitch({ view, onView }: { readonly view: ResultShown; readonly onView: (view: ResultShown) => void }) {
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

/** The page drawn as the template's chart, or why it cannot be. */
function PageChart({ config, page }: { readonly config: ChartConfig; readonly page: ResultPage }) {
  const plan = useMemo(() => chartPlan(config, page), [config, page]);
  if (!plan.ok) {
    return (
      <p className="rchart__status" data-testid="result-chart-problem">
        {plan.reason}
      </p>
    );
  }
  return (
    <div className="rchart">
      {plan.note !== null && <p className="rchart__note">{plan.note}</p>}
      <Suspense fallback={<p className="rchart__status">Drawing…</p>}>
        <ResultChart option={plan.option} />
      </Suspense>
    </div>
  );
}

type TableProps = { readonly page: ResultPage; readonly rowTestId: string; readonly columnTestId: string };

function ResultTable({ page, rowTestId, columnTestId }: TableProps) {
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
  const numeric = page.columns.map((column) => isNumericColumn(column.data_type));
  const number = (part: "th" | "td", i: number) => (numeric[i] === true ? ` rtable__${part}--number` : "");

  // A copy takes the selected cells' exact digits (not the grouped text on screen), a line
  // per row and a tab between cells, as a spreadsheet pastes them.
  const onCopy = (event: ClipboardEvent<HTMLDivElement>) => {
    const selection = window.getSelection();
    if (selection === null || selection.isCollapsed) return;
    const cells: CopiedCell[] = [];
    for (const cell of event.currentTarget.querySelectorAll<HTMLElement>("[data-copy-row]")) {
      if (!selection.containsNode(cell, true)) continue;
      const row = Number(cell.dataset.copyRow);
      const column = Number(cell.dataset.copyColumn);
      const name = page.columns[column]?.name ?? "";
      cells.push({ row, column, text: row < 0 ? name : cellText(page.rows[row]?.[name]) });
    }
    if (cells.length === 0) return;
    event.clipboardData.setData("text/plain", copiedText(cells));
    event.preventDefault();
  };

  return (
    <div className="rtable" ref={scroller} role="table" aria-rowcount={page.total_rows} onCopy={onCopy}>
      <div className="rtable__head" role="row" style={{ gridTemplateColumns: template }}>
        {page.columns.map((column, i) => (
          <div
            key={column.name}
            className={`rtable__th${number("th", i)}`}
            role="columnheader"
            data-testid={columnTestId}
            data-copy-row={-1}
            data-copy-column={i}
          >
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
              data-testid={rowTestId}
              style={{ gridTemplateColumns: template, transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
            >
              {page.columns.map((column, i) => (
                <div
                  key={column.name}
                  className={`rtable__td${number("td", i)}`}
                  role="cell"
                  data-copy-row={item.index}
                  data-copy-column={i}
                >
                  {cellDisplay(row[column.name], column.data_type)}
                </div>
              ))}
            </div>
          );
        })}
      </div>
    </div>
  );
}
