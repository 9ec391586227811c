// The columns a template declares it returns (mappings from it are checked against them), as an
// editable table, with "Infer from the test run" taking them from the last test run.
import { SCALAR_TYPES, addOutput, removeRow, updateRow, type OutputDraft } from "../../lib/templateDraft";
import { useAppActions } from "../../store";
import type { TestRunState } from "../../templateActions";

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
            <input
              className="field__input field__input--mono"
              data-testid="output-name"
              aria-label="Output column name"
              placeholder="campaign_id"
              value={output.name}
              onChange={(event) => {
                onChange(updateRow(outputs, output.key, { name: event.target.value }));
              }}
            />
            <select
              className="field__input"
              data-testid="output-type"
              aria-label={`Type of ${label}`}
              value={output.type}
              onChange={(event) => {
                onChange(updateRow(outputs, output.key, { type: event.target.value as OutputDraft["type"] }));
              }}
            >
              {SCALAR_TYPES.map((type) => (
                <option key={type} value={type}>
                  {type}
                </option>
              ))}
            </select>
            <button
              type="button"
              className="button button--small button--ghost"
              data-testid="output-remove"
              aria-label={`Remove ${label}`}
              onClick={() => {
                onChange(removeRow(outputs, output.key));
              }}
            >
              Remove
            </button>
          </div>
        );
      })}
      <button
        type="button"
        className="button button--small template-section__add"
        data-testid="output-add"
        onClick={() => {
          onChange(addOutput(outputs));
        }}
      >
        + Add column
      </button>
    </div>
  );
}
