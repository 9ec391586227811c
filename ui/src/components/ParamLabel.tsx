// A parameter's label over its field: its name, then its type ("date", "string list"). The run
// dialog's, a schedule's, the inspector's and a template test run's parameter fields use it.
import type { ScalarType } from "../api";

type Props = {
  readonly name: string;
  readonly type: ScalarType;
  readonly list?: boolean | undefined;
};

export function ParamLabel({ name, type, list }: Props) {
  return (
    <span className="field__label">
      {name}
      <span className="field__type">
        {type}
        {list === true ? " list" : ""}
      </span>
    </span>
  );
}
