// A template's parameters as rows of inputs: name, type, list of, required, default, allowed
// values and description. Controlled: the draft is the store's.
import { SCALAR_TYPES, addParam, removeRow, updateRow, type ParamDraft } from "../../lib/templateDraft";
import { TYPE_HINTS } from "../../lib/tableValues";
import { AddRowButton, FlagCell, HeadingRow, RowButton, TextCell, TypeCell } from "../RowFields";

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
        <HeadingRow
          grid="param-grid"
          headings={[
            "Name",
            "Type",
            { text: "List", title: "A list of values of the type" },
            { text: "Req.", title: "A flow must give it a value" },
            "Default",
            "Allowed values",
            "Description",
            "",
          ]}
        />
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
      <AddRowButton
        className="template-section__add"
        testId="param-add"
        onClick={() => {
          onChange(addParam(parameters));
        }}
      >
        + Add parameter
      </AddRowButton>
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
      <TextCell
        mono
        testId="param-name"
        label="Parameter name"
        placeholder="start_date"
        value={param.name}
        onChange={(name) => {
          onChange({ name });
        }}
      />
      <TypeCell
        testId="param-type"
        label={`Type of ${label}`}
        types={SCALAR_TYPES}
        value={param.type}
        onChange={(type) => {
          onChange({ type });
        }}
      />
      <FlagCell
        testId="param-list"
        label={`${label} is a list`}
        checked={param.list}
        onChange={(list) => {
          onChange({ list });
        }}
      />
      <FlagCell
        testId="param-required"
        label={`${label} is required`}
        checked={param.required}
        onChange={(required) => {
          onChange({ required });
        }}
      />
      <TextCell
        testId="param-default"
        label={`Default of ${label}`}
        title={`Default: ${hint}`}
        placeholder="none"
        value={param.defaultText}
        onChange={(defaultText) => {
          onChange({ defaultText });
        }}
      />
      <TextCell
        testId="param-allowed"
        label={`Allowed values of ${label}`}
        title="Comma-separated; blank allows any value"
        placeholder="any"
        value={param.allowedText}
        onChange={(allowedText) => {
          onChange({ allowedText });
        }}
      />
      <TextCell
        testId="param-description"
        label={`Description of ${label}`}
        value={param.description}
        onChange={(description) => {
          onChange({ description });
        }}
      />
      <RowButton testId="param-remove" label={`Remove ${label}`} onClick={onRemove}>
        Remove
      </RowButton>
    </div>
  );
}
