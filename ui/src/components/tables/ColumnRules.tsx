// A column's rules beyond its type, only those its type offers: lengths, pattern and allowed
// values for text; bounds for numbers and dates; the target and delete rule of a reference.
import type { ColumnDraft } from "../../lib/tableSchema";
import { ON_DELETE, RULES, RULE_LABELS, setRule, updateColumn, type RuleName } from "../../lib/tableSchema";
import { TYPE_HINTS } from "../../lib/tableValues";

type Props = {
  readonly column: ColumnDraft;
  readonly tableNames: readonly string[];
  readonly onChange: (change: (columns: readonly ColumnDraft[]) => ColumnDraft[]) => void;
};

function placeholder(column: ColumnDraft, rule: RuleName): string {
  switch (rule) {
    case "min_length":
    case "max_length":
      return "characters";
    case "pattern":
      return "regular expression, e.g. [A-Z]{3}";
    case "enum":
      return "values, comma separated";
    case "min":
    case "max":
      return TYPE_HINTS[column.type];
    case "computed":
      return "expression over other columns";
    case "target_table":
    case "on_delete":
      return "";
  }
}

export function ColumnRules({ column, tableNames, onChange }: Props) {
  const { key } = column;
  const set = (rule: RuleName, text: string) => {
    onChange((columns) => setRule(columns, key, rule, text));
  };

  return (
    <div className="column-rules">
      <label className="column-rules__field">
        <span className="field__label">Display name</span>
        <input
          className="field__input"
          data-testid="column-display-name"
          placeholder={column.name}
          value={column.displayName}
          onChange={(event) => {
            onChange((columns) => updateColumn(columns, key, { displayName: event.target.value }));
          }}
        />
      </label>
      {RULES[column.type].map((rule) => (
        <label key={rule} className={`column-rules__field column-rules__field--${rule}`}>
          <span className="field__label">{RULE_LABELS[rule]}</span>
          <RuleInput rule={rule} value={column.rules[rule]} placeholder={placeholder(column, rule)} tableNames={tableNames} onChange={set} />
        </label>
      ))}
    </div>
  );
}

type InputProps = {
  readonly rule: RuleName;
  readonly value: string;
  readonly placeholder: string;
  readonly tableNames: readonly string[];
  readonly onChange: (rule: RuleName, text: string) => void;
};

function RuleInput({ rule, value, placeholder, tableNames, onChange }: InputProps) {
  const testId = `rule-${rule}`;
  if (rule === "target_table" || rule === "on_delete") {
    // A target no longer listed (renamed, dropped) still shows, so the problem can be seen.
    const options = rule === "on_delete" ? ON_DELETE : tableNames.includes(value) || value === "" ? tableNames : [value, ...tableNames];
    return (
      <select
        className="field__input"
        data-testid={testId}
        value={value}
        onChange={(event) => {
          onChange(rule, event.target.value);
        }}
      >
        <option value="">{rule === "on_delete" ? "default (restrict)" : "Choose a table"}</option>
        {options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    );
  }
  return (
    <input
      className={`field__input${rule === "pattern" || rule === "computed" ? " field__input--mono" : ""}`}
      data-testid={testId}
      placeholder={placeholder}
      value={value}
      onChange={(event) => {
        onChange(rule, event.target.value);
      }}
    />
  );
}
