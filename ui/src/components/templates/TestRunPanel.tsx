// A test run of the template as drafted: a sample value per parameter (typed like the run
// dialog's, starting from the defaults), then the first rows it returned (as a table, or as the
// draft's chart, in the results drawer's `ResultView`), the SQL as it ran (values bound where
// the placeholders were), or why it could not run.
import { useState } from "react";
import type { ChartConfig, ResultPage } from "../../api";
import { pageLabel } from "../../lib/results";
import type { ParamDraft } from "../../lib/templateDraft";
import { TEST_RUN_LIMIT, sampleInput, sampleText } from "../../lib/templateSamples";
import { TYPE_HINTS } from "../../lib/tableValues";
import { useAppActions } from "../../store";
import type { TestRunState } from "../../store/templates";
import { ParamLabel } from "../ParamLabel";
import { ResultView, type ResultShown } from "../ResultView";
import { Refusal } from "./Refusal";

type Props = {
  readonly parameters: readonly ParamDraft[];
  readonly samples: Readonly<Record<string, string>>;
  readonly testRun: TestRunState;
  /** The draft's chart as it stands, or null while it has none it could draw. */
  readonly chart: ChartConfig | null;
};

export function TestRunPanel({ parameters, samples, testRun, chart }: Props) {
  const { testRunTemplate } = useAppActions();
  // Kept here rather than with the rows, so the next test run shows the same view.
  const [view, setView] = useState<ResultShown>("table");
  const named = parameters.filter((p) => p.name.trim() !== "");
  return (
    <div className="template-section" data-testid="test-run-panel">
      <div className="template-section__head">
        <h3 className="template-section__title">Test run</h3>
        <button
          type="button"
          className="button button--small"
          data-testid="template-test-run"
          aria-busy={testRun.status === "running"}
          disabled={testRun.status === "running"}
          onClick={() => void testRunTemplate()}
        >
          {testRun.status === "running" ? "Running…" : "Run"}
        </button>
      </div>
      <p className="template-section__hint">Runs the template as drafted, unsaved, and keeps its first {TEST_RUN_LIMIT} rows.</p>
      {named.length > 0 && (
        <div className="sample-values">
          {named.map((param) => (
            <SampleInput key={param.key} param={param} text={sampleText(param, samples)} />
          ))}
        </div>
      )}
      {testRun.status === "failed" && <Refusal error={testRun.error} title="The test run failed" testId="test-run-error" />}
      {testRun.status === "done" && (
        <>
          <TestRunResult page={testRun.run.page} chart={chart} view={view} onView={setView} />
          <details className="test-run__sql" open>
            <summary>SQL as run</summary>
            <pre data-testid="test-run-sql">{testRun.run.sql}</pre>
          </details>
        </>
      )}
    </div>
  );
}

function SampleInput({ param, text }: { readonly param: ParamDraft; readonly text: string }) {
  const { setSampleValue } = useAppActions();
  const name = param.name.trim();
  const kind = sampleInput(param);
  const set = (value: string) => {
    setSampleValue(name, value);
  };
  return (
    <label className="field">
      <ParamLabel name={name} type={param.type} list={param.list} />
      {kind === "boolean" ? (
        <select
          className="field__input"
          data-testid="test-run-value"
          data-name={name}
          value={text}
          onChange={(event) => {
            set(event.target.value);
          }}
        >
          <option value="">none</option>
          <option value="true">true</option>
          <option value="false">false</option>
        </select>
      ) : (
        <input
          className="field__input"
          data-testid="test-run-value"
          data-name={name}
          type={kind}
          step={param.type === "decimal" ? "any" : undefined}
          placeholder={param.list ? `${TYPE_HINTS[param.type]}, comma-separated` : TYPE_HINTS[param.type]}
          value={text}
          onChange={(event) => {
            set(event.target.value);
          }}
        />
      )}
    </label>
  );
}

type ResultProps = {
  readonly page: ResultPage;
  readonly chart: ChartConfig | null;
  readonly view: ResultShown;
  readonly onView: (view: ResultShown) => void;
};

/** The rows (at most TEST_RUN_LIMIT) under their columns and types, or the draft's chart. */
function TestRunResult({ page, chart, view, onView }: ResultProps) {
  return (
    <div className="test-run">
      <ResultView
        page={page}
        chart={chart}
        view={view}
        onView={onView}
        rowTestId="test-run-row"
        columnTestId="test-run-column"
        head={(viewSwitch) => (
          <div className="test-run__head">
            <span className="test-run__count" data-testid="test-run-count">
              {pageLabel(page)}
            </span>
            {viewSwitch}
          </div>
        )}
      />
    </div>
  );
}
