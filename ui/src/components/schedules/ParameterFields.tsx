// Values for the target flow's global parameters, typed like the run dialog's (dates as date
// pickers, lists comma-separated); a field left blank keeps the parameter's default.
import type { GlobalParameter } from "../../api";
import { defaultText, parameterInputType } from "../../lib/run";
import type { Loadable } from "../../lib/loadable";
import { ErrorNotice } from "../ErrorNotice";
import { ParamLabel } from "../ParamLabel";

type Props = {
  readonly parameters: Loadable<GlobalParameter[]>;
  readonly values: Readonly<Record<string, string>>;
  readonly onChange: (values: Readonly<Record<string, string>>) => void;
};

export function ParameterFields({ parameters, values, onChange }: Props) {
  if (parameters.status === "loading") {
    return (
      <p className="list-status" aria-busy="true">
        Reading the flow’s parameters…
      </p>
    );
  }
  if (parameters.status === "failed") return <ErrorNotice title="Could not read the flow’s parameters" error={parameters.error} />;
  if (parameters.data.length === 0) return null;
  return (
    <fieldset className="schedule-parameters">
      <legend className="field__label">Parameters</legend>
      <span className="field__hint">Left blank, a parameter keeps the flow’s default.</span>
      {parameters.data.map((parameter) => {
        const fallback = defaultText(parameter);
        return (
          <label key={parameter.name} className="field">
            <ParamLabel name={parameter.name} type={parameter.type} list={parameter.list} />
            <input
              className="field__input"
              data-testid="schedule-parameter"
              data-name={parameter.name}
              type={parameterInputType(parameter)}
              step={parameter.type === "decimal" ? "any" : undefined}
              value={values[parameter.name] ?? ""}
              placeholder={parameter.list === true ? "comma-separated" : undefined}
              onChange={(event) => {
                onChange({ ...values, [parameter.name]: event.target.value });
              }}
            />
            {parameter.description !== undefined && parameter.description !== "" && (
              <span className="field__hint">{parameter.description}</span>
            )}
            {fallback !== "" && <span className="field__hint">Default: {fallback}</span>}
          </label>
        );
      })}
    </fieldset>
  );
}
