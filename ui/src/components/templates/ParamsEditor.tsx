// A template's parameters as rows of inputs: name, type, list of, required, default, allowed
// values and description. Controlled: the draft is the store's.
import { SCALAR_TYPES, addParam, removeRow, updateRow, type ParamDraft } from "../../lib/templateDraft";
import { TYPE_HINTS } from "../../lib/tableValues";

type Props = {
  readonly parameters: readonly ParamDraft[];
  readonly onChange: (parameters: readonly ParamDraft[]) => void;
};

export function ParamsEditor({ parameters, onChange }: Props) {
  return (
    <div className="template-section">
      <h3 className="template-section__title">Parameters</h3>
      {parameters.length === 0 ? (
        <p className="template-section__hint">No parameters: the SQL runs as it is.</p>
      ) : (
        <div className="param-grid param-grid--head" aria-hidden="true">
          <span>Name</span>
          <span>Type</span>
          <span title="A list of values of the type">List</span>
          <span title="A flow must give it a value">Req.</span>
          <span>Default</span>
          <span>Allowed values</span>
          <span>Description</span>
          <span />
        </div>
      )}
      {parameters.map((param) => (
        <ParamRow
          key={param.key}
          param={param}
          onChange={(patch) => {
            onChange(updateRow(parameters, param.key, patch));
          }}
          onRemove={() => {
            onChange(removeRow(parameters, param.key));
          }}
        />
      ))}
      <button
        type="button"
        className="button button--small template-section__add"
        data-testid="param-add"
        onClick={() => {
          onChange(addParam(parameters));
        }}
      >
        + Add parameter
      </button>
    </div>
  );
}

type RowProps = {
  readonly param: ParamDraft;
  readonly onChange: (patch: Partial<Omit<ParamDraft, "key">>) => void;
  readonly onRemove: () => void;
};

function ParamRow({ param, onChange, onRemove }: RowProps) {
  const label = param.name === "" ? "the new parameter" : param.name;
  const hint = param.list ? `${TYPE_HINTS[param.type]}, comma-separated` : TYPE_HINTS[param.type];
  return (
    <div className="param-grid" data-testid="param-row" data-param={param.name}>
      <input
        className="field__input field__input--mono"
        data-testid="param-name"
        aria-label="Parameter name"
        placeholder="start_date"
        value={param.name}
        onChange={(event) => {
          onChange({ name: event.target.value });
        }}
      />
      <select
        className="field__input"
        data-testid="param-type"
        aria-label={`Type of ${label}`}
        value={param.type}
        onChange={(event) => {
          onChange({ type: event.target.value as ParamDraft["type"] });
        }}
      >
        {SCALAR_TYPES.map((type) => (
          <option key={type} value={type}>
            {type}
          </option>
        ))}
      </select>
      <input
        type="checkbox"
        data-testid="param-list"
        aria-label={`${label} is a list`}
        checked={param.list}
        onChange={(event) => {
          onChange({ list: event.target.checked });
        }}
      />
      <input
        type="checkbox"
        data-testid="param-required"
        aria-label={`${label} is required`}
        checked={param.required}
        onChange={(event) => {
          onChange({ required: event.target.checked });
        }}
      />
      <input
        className="field__input"
        data-testid="param-default"
        aria-label={`Default of ${label}`}
        title={`Default: ${hint}`}
        placeholder="none"
        value={param.defaultText}
        onChange={(event) => {
          onChange({ defaultText: event.target.value });
        }}
      />
      <input
        className="field__input"
        data-testid="param-allowed"
        aria-label={`Allowed values of ${label}`}
        title="Comma-separated; blank allows any value"
        placeholder="any"
        value={param.allowedText}
        onChange={(event) => {
          onChange({ allowedText: event.target.value });
        }}
      />
      <input
        className="field__input"
        data-testid="param-description"
        aria-label={`Description of ${label}`}
        value={param.description}
        onChange={(event) => {
          onChange({ description: event.target.value });
        }}
      />
      <button type="button" className="button button--small button--ghost" data-testid="param-remove" aria-label={`Remove ${label}`} onClick={onRemove}>
        Remove
      </button>
    </div>
  );
}
