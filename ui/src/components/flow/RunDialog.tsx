// The run dialog: one field per global parameter of the flow (dates as date pickers, lists as
// comma-separated text), and whether unchanged results may be reused. Rust parses each value by
// its type; a value it refuses comes back as `error` and the dialog stays open. A value given
// here that a node will not use (its own value or a mapped column wins) is named per node.
import { useState, type SyntheticEvent } from "react";
import type { AppError, GlobalParameter, ShadowedGlobal } from "../../api";
import { PARAMETER_ORDER, parameterInputType, shadowWarnings, type RunChoices } from "../../lib/run";
import { ParamLabel } from "../ParamLabel";
import { Modal } from "../Modal";

type Props = {
  readonly parameters: readonly GlobalParameter[];
  readonly choices: RunChoices;
  readonly error: AppError | null;
  /** Where the flow's globals do not reach a node (from Rust's `shadowed_globals`). */
  readonly shadows: readonly ShadowedGlobal[];
  readonly onRun: (choices: RunChoices) => void;
  readonly onCancel: () => void;
};

export function RunDialog({ parameters, choices, error, shadows, onRun, onCancel }: Props) {
  const [values, setValues] = useState(choices.values);
  const [reuse, setReuse] = useState(choices.reuse);

  const unused = shadowWarnings(shadows, parameters, values);

  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    onRun({ values, reuse });
  };

  return (
    <Modal onClose={onCancel} testId="run-dialog" title="Run this flow" onSubmit={submit}>
      {parameters.map((parameter, i) => (
        <label key={parameter.name} className="field">
          <ParamLabel name={parameter.name} type={parameter.type} list={parameter.list} />
          <input
            className="field__input"
            data-testid="run-parameter"
            data-name={parameter.name}
            type={parameterInputType(parameter)}
            step={parameter.type === "decimal" ? "any" : undefined}
            autoFocus={i === 0}
            value={values[parameter.name] ?? ""}
            placeholder={parameter.list ? "comma-separated" : "default"}
            onChange={(event) => {
              setValues({ ...values, [parameter.name]: event.target.value });
            }}
          />
          {parameter.description !== undefined && parameter.description !== "" && (
            <span className="field__hint">{parameter.description}</span>
          )}
        </label>
      ))}
      {unused.length > 0 && (
        <div className="modal__warning" role="status" data-testid="run-shadowed">
          <p>Some nodes will not use a value given here: a node&apos;s own value, or a mapped column, comes after the global ({PARAMETER_ORDER}).</p>
          <ul>
            {unused.map((warning) => (
              <li key={`${warning.nodeId}/${warning.global}`} data-node-id={warning.nodeId} data-name={warning.global}>
                {warning.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      <label className="field field--check">
        <input
          type="checkbox"
          data-testid="run-reuse"
          checked={reuse}
          onChange={(event) => {
            setReuse(event.target.checked);
          }}
        />
        Reuse results of nodes whose SQL, parameters and data did not change
      </label>
      {error !== null && (
        <p className="modal__error" role="alert" data-testid="run-dialog-error">
          {error.message}
        </p>
      )}
      <div className="modal__actions">
        <button type="button" className="button button--ghost" data-testid="run-cancel" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="button button--primary" data-testid="run-submit">
          Run
        </button>
      </div>
    </Modal>
  );
}
