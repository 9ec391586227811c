// How a template's result is best drawn: its kind, the x column, one or more y columns and an
// optional series column, chosen from the declared outputs and the last test run's columns. The
// test run (`TestRunPanel`) draws the chart over its rows as the results drawer would.
import { useMemo } from "react";
import { CHART_KINDS, chartColumns, draftChartConfig, startChart, type ChartDraft, type OutputDraft } from "../../lib/templateDraft";
import type { TestRunState } from "../../store/templates";

type Props = {
  readonly chart: ChartDraft | null;
  readonly outputs: readonly OutputDraft[];
  readonly testRun: TestRunState;
  readonly onChange: (chart: ChartDraft | null) => void;
};

export function ChartEditor({ chart, outputs, testRun, onChange }: Props) {
  const page = testRun.status === "done" ? testRun.run.page : null;
  const columns = useMemo(() => chartColumns(outputs, page), [outputs, page]);
  return (
    <div className="template-section">
      <div className="template-section__head">
        <h3 className="template-section__title">Chart</h3>
        <label className="field--check">
          <input
            type="checkbox"
            data-testid="chart-enabled"
            checked={chart !== null}
            onChange={(event) => {
              onChange(event.target.checked ? startChart(columns) : null);
            }}
          />
          Draw the result as a chart
        </label>
      </div>
      {chart !== null && <ChartFields chart={chart} columns={columns} onChange={onChange} />}
      {chart !== null && <ChartHint chart={chart} />}
    </div>
  );
}

type FieldsProps = { readonly chart: ChartDraft; readonly columns: readonly string[]; readonly onChange: (chart: ChartDraft) => void };

function ChartFields({ chart, columns, onChange }: FieldsProps) {
  // A column the config names but no output has still shows, so it can be changed.
  const choices = [...new Set([...columns, chart.x, ...chart.y, chart.series].filter(Boolean))];
  return (
    <div className="chart-fields">
      <label className="field">
        <span className="field__label">Kind</span>
        <select
          className="field__input"
          data-testid="chart-kind"
          value={chart.kind}
          onChange={(event) => {
            onChange({ ...chart, kind: event.target.value as ChartDraft["kind"] });
          }}
        >
          {CHART_KINDS.map((kind) => (
            <option key={kind} value={kind}>
              {kind}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span className="field__label">{chart.kind === "pie" ? "Slices (x)" : "x"}</span>
        <ColumnSelect
          testId="chart-x"
          value={chart.x}
          choices={choices}
          blank="Choose a column"
          onChange={(x) => {
            onChange({ ...chart, x });
          }}
        />
      </label>
      <fieldset className="chart-fields__y">
        <legend className="field__label">{chart.kind === "pie" ? "Value (y)" : "y"}</legend>
        {choices.length === 0 && <span className="field__hint">Declare output columns or test-run the template to choose.</span>}
        {choices.map((column) => (
          <label key={column} className="field--check">
            <input
              type="checkbox"
              data-testid="chart-y"
              data-column={column}
              checked={chart.y.includes(column)}
              onChange={(event) => {
                const y = event.target.checked ? [...chart.y, column] : chart.y.filter((c) => c !== column);
                onChange({ ...chart, y });
              }}
            />
            {column}
          </label>
        ))}
      </fieldset>
      <label className="field">
        <span className="field__label">Series</span>
        <ColumnSelect
          testId="chart-series"
          value={chart.series}
          choices={choices}
          blank="None"
          onChange={(series) => {
            onChange({ ...chart, series });
          }}
        />
      </label>
    </div>
  );
}

type SelectProps = {
  readonly testId: string;
  readonly value: string;
  readonly choices: readonly string[];
  readonly blank: string;
  readonly onChange: (value: string) => void;
};

function ColumnSelect({ testId, value, choices, blank, onChange }: SelectProps) {
  return (
    <select
      className="field__input"
      data-testid={testId}
      value={value}
      onChange={(event) => {
        onChange(event.target.value);
      }}
    >
      <option value="">{blank}</option>
      {choices.map((column) => (
        <option key={column} value={column}>
          {column}
        </option>
      ))}
    </select>
  );
}

function ChartHint({ chart }: { readonly chart: ChartDraft }) {
  if (draftChartConfig(chart) === null) return <p className="template-section__hint">Choose an x column and at least one y column.</p>;
  return <p className="template-section__hint">Test-run the template and choose Chart to see it drawn over the rows.</p>;
}
