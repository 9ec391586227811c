// The columns a template declares it returns (mappings from it are checked against them), as an
// editable table, with "Columns from <source>" asking the template's source for them without
// running the SQL, and "Infer from the test run" taking them from the last test run.
import { SCALAR_TYPES, addOutput, removeRow, updateRow, type OutputDraft } from "../../lib/templateDraft";
import { useAppActions } from "../../store";
import { AddRowButton, RowButton, TextCell, TypeCell } from "../RowFields";
import type { DescribeState, TestRunState } from "../../store/templates";

type Props = {
  readonly outputs: readonly OutputDraft[];
  readonly testRun: TestRunState;
  readonly describe: DescribeState;
  /** The name of the source the template runs on. */
  readonly sourceName: string;
  readonly onChange: (outputs: readonly OutputDraft[]) => void;
};

export function OutputColumnsEditor({ outputs, testRun, describe, sourceName, onChange }: Props) {
  const { inferOutputColumns, describeOutputColumns } = useAppActions();
  return (
    <div className="template-section">
      <div className="template-section__head">
        <h3 className="template-section__title">Output columns</h3>
        <div className="template-section__actions">
          <button
          type="button"
          className="button button--small"
          data-testid="describe-output-columns"
          disabled={describe.status === "describing"}
          title={`Ask ${sourceName} which columns the SQL returns, without running it`}
          onClick={() => void describeOutputColumns()}
        >
          {describe.status === "describing" ? `Asking ${sourceName}…` : `Columns from ${sourceName}`}
        </button>
        <button
          type="button"
          className="button button--small"
          data-testid="infer-output-columns"
          disabled={testRun.status !== "done"}
          title={testRun.status === "done" ? "Declare the columns the last test run returned" : "Test-run the template first"}
          onClick={inferOutputColumns}
        >
          Infer from the test run
        </button>
        </div>
      </div>
      {describe.status === "failed" && (
        <p className="sql-problems__failed" role="alert" data-testid="describe-error" data-error-code={describe.error.code}>
          Could not get the columns from {sourceName}: {describe.error.message}
        </p>
      )}
      {describe.status === "done" && (
        <p className="template-section__hint" role="status" data-testid="describe-done">
          {describe.count === 1 ? "1 column" : `${describe.count} columns`} from {sourceName}, nothing run.
        </p>
      )}
      {outputs.length === 0 && <p className="template-section__hint">None declared: connections from this template are not checked.</p>}
      {outputs.map((output) => {
        const label = output.name === "" ? "the new column" : output.name;
        return (
          <div key={output.key} className="output-grid" data-testid="output-column" data-column={output.name}>
            <TextCell
              mono
              testId="output-name"
              label="Output column name"
              placeholder="campaign_id"
              value={output.name}
              onChange={(name) => {
                onChange(updateRow(outputs, output.key, { name }));
              }}
            />
            <TypeCell
              testId="output-type"
              label={`Type of ${label}`}
              types={SCALAR_TYPES}
              value={output.type}
              onChange={(type) => {
                onChange(updateRow(outputs, output.key, { type }));
              }}
            />
            <RowButton
              testId="output-remove"
              label={`Remove ${label}`}
              onClick={() => {
                onChange(removeRow(outputs, output.key));
              }}
            >
              Remove
            </RowButton>
          </div>
        );
      })}
      <AddRowButton
        className="template-section__add"
        testId="output-add"
        onClick={() => {
          onChange(addOutput(outputs));
        }}
      >
        + Add column
      </AddRowButton>
    </div>
  );
}
