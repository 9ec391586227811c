// The columns a template declares it returns (mappings from it are checked against them), as an
// editable table, with "Infer from the test run" taking them from the last test run.
import { SCALAR_TYPES, addOutput, removeRow, updateRow, type OutputDraft } from "../../lib/templateDraft";
import { useAppActions } from "../../store";
import { AddRowButton, RowButton, TextCell, TypeCell } from "../RowFields";
import type { TestRunState } from "../../store/templates";

type Props = {
  readonly outputs: readonly OutputDraft[];
  readonly testRun: TestRunState;
  readonly onChange: (outputs: readonly OutputDraft[]) => void;
};

export function OutputColumnsEditor({ outputs, testRun, onChange }: Props) {
  const { inferOutputColumns } = useAppActions();
  return (
    <div className="template-section">
      <div className="template-section__head">
        <h3 className="template-section__title">Output columns</h3>
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
