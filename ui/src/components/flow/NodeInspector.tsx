// The inspector for a node: its label, colour, note, the version of its template it is on,
// parameter overrides (typed inputs, with the order a value is chosen in and where a global does
// not reach the node), condition, for-each, timeout and retries. A field commits when it loses
// focus or on Enter, so typing a value is one undo step, not one per key.
import type { Diagnostic, Flow, FlowNode, ParamSpec, Template } from "../../api";
import { nodeLabel } from "../../lib/canvas";
import type { Catalogue } from "../../lib/catalogue";
import { setCondition, setNodeConfig, setOverride, valueFromText } from "../../lib/edit";
import { formatValue } from "../../lib/format";
import { PARAMETER_ORDER, globalShadowed } from "../../lib/run";
import { useAppActions } from "../../store";
import { CommitField } from "./CommitField";
import { ParamLabel } from "../ParamLabel";
import { TemplateVersion } from "./TemplateVersion";

function inputType(param: ParamSpec): string {
  if (param.list === true) return "text";
  if (param.type === "date") return "date";
  if (param.type === "integer" || param.type === "decimal") return "number";
  return "text";
}

export function NodeInspector({
  flow,
  node,
  catalogue,
  template,
  diagnostics,
}: {
  readonly flow: Flow;
  readonly node: FlowNode;
  readonly catalogue: Catalogue;
  /** The version of its template the node is on. */
  readonly template: Template | undefined;
  readonly diagnostics: readonly Diagnostic[];
}) {
  const { editFlow } = useAppActions();
  const id = node.node_id;
  // Where each mapped parameter's value comes from; a list fed by several connections shows
  // each, in the order the run unions them (by connection id).
  const fed = new Map<string, string>();
  const into = flow.connections
    .filter((c) => c.target_node_id === id)
    .sort((a, b) => (a.connection_id < b.connection_id ? -1 : a.connection_id > b.connection_id ? 1 : 0));
  for (const c of into) {
    for (const [param, column] of Object.entries(c.field_mappings)) {
      const source = `${c.source_node_id}.${column}`;
      const earlier = fed.get(param);
      fed.set(param, earlier === undefined ? source : `${earlier} ∪ ${source}`);
    }
  }
  const globals = new Set(flow.composition.global_parameters.map((g) => g.name));
  const conditionProblems = diagnostics.filter(
    (d) => d.node_ids.includes(id) && (d.code === "bad_condition" || d.code === "unreachable_condition_input"),
  );
  const listParams = (template?.parameters ?? []).filter((p) => p.list === true);
  const config = node.node_config;

  return (
    <section className="inspector" aria-label="Selected node" data-testid="inspector" data-node-id={id}>
      <h3>{nodeLabel(node, template)}</h3>
      <p className="muted inspector__sub">
        <code>{id}</code> · {template?.name ?? node.template_id}
      </p>
      <label className="field">
        <span className="field__label">Label</span>
        <CommitField
          data-testid="inspect-label"
          value={config.label ?? ""}
          placeholder={template?.name ?? ""}
          onCommit={(label) => {
            editFlow((f) => setNodeConfig(f, id, { label }));
          }}
        />
      </label>
      <div className="inspector__row">
        <label className="field">
          <span className="field__label">Colour</span>
          <input
            type="color"
            className="field__input inspector__colour"
            value={config.color ?? "#5b5bd6"}
            onChange={(event) => {
              editFlow((f) => setNodeConfig(f, id, { color: event.target.value }));
            }}
          />
        </label>
        <label className="field">
          <span className="field__label">Timeout (s)</span>
          <CommitField
            type="number"
            min={1}
            value={config.timeout_seconds?.toString() ?? ""}
            placeholder="600"
            onCommit={(text) => {
              editFlow((f) => setNodeConfig(f, id, { timeout_seconds: text === "" ? undefined : Number(text) }));
            }}
          />
        </label>
        <label className="field">
          <span className="field__label">Retries</span>
          <CommitField
            type="number"
            min={0}
            value={config.retries?.toString() ?? ""}
            placeholder="0"
            onCommit={(text) => {
              editFlow((f) => setNodeConfig(f, id, { retries: text === "" ? undefined : Number(text) }));
            }}
          />
        </label>
      </div>
      <label className="field">
        <span className="field__label">Note</span>
        <CommitField
          value={config.note ?? ""}
          onCommit={(note) => {
            editFlow((f) => setNodeConfig(f, id, { note }));
          }}
        />
      </label>
      <TemplateVersion node={node} catalogue={catalogue} />

      {template !== undefined && template.parameters.length > 0 && (
        <div className="inspector__params">
          <h4>Parameters</h4>
          <p className="field__hint" data-testid="inspect-param-order">
            Each value comes from, the last that gives one winning: {PARAMETER_ORDER}.
          </p>
          {template.parameters.map((param) => {
            const from = fed.get(param.name);
            const override = node.parameter_overrides[param.name];
            const shadowed = globalShadowed(param.name, globals, override !== undefined, from);
            const fallback = globals.has(param.name)
              ? "global parameter"
              : param.default !== undefined && param.default !== null
                ? formatValue(param.default)
                : param.required
                  ? "required"
                  : "";
            return (
              <label key={param.name} className="field">
                <ParamLabel name={param.name} type={param.type} list={param.list} />
                {from !== undefined ? (
                  <span className="inspector__fed">← {from}</span>
                ) : param.allowed_values !== undefined && param.allowed_values.length > 0 && param.list !== true ? (
                  <select
                    data-testid="inspect-param"
                    data-param={param.name}
                    value={override === undefined ? "" : formatValue(override)}
                    onChange={(event) => {
                      const chosen = param.allowed_values?.find((v) => formatValue(v) === event.target.value);
                      editFlow((f) => setOverride(f, id, param.name, chosen));
                    }}
                  >
                    <option value="">{fallback === "" ? "—" : `Unset: ${fallback}`}</option>
                    {param.allowed_values.map((allowed) => (
                      <option key={formatValue(allowed)} value={formatValue(allowed)}>
                        {formatValue(allowed)}
                      </option>
                    ))}
                  </select>
                ) : (
                  <CommitField
                    data-testid="inspect-param"
                    data-param={param.name}
                    type={inputType(param)}
                    step={param.type === "decimal" ? "any" : undefined}
                    value={override === undefined ? "" : formatValue(override)}
                    placeholder={param.list === true ? `comma-separated${fallback ? `; ${fallback}` : ""}` : fallback}
                    onCommit={(text) => {
                      editFlow((f) => setOverride(f, id, param.name, text.trim() === "" ? undefined : valueFromText(param, text)));
                    }}
                  />
                )}
                {shadowed !== null && (
                  <span className="field__hint" data-testid="inspect-param-shadowed" data-param={param.name}>
                    {shadowed}
                  </span>
                )}
                {/* A date field cannot show a placeholder: say what an empty one falls back to. */}
                {from === undefined && override === undefined && inputType(param) === "date" && fallback !== "" && (
                  <span className="field__hint">Unset: {fallback}</span>
                )}
              </label>
            );
          })}
        </div>
      )}

      <label className="field field--check">
        <input
          type="checkbox"
          data-testid="inspect-conditional"
          checked={node.is_conditional}
          onChange={(event) => {
            editFlow((f) => setCondition(f, id, event.target.checked ? (node.condition_expression ?? "") : null));
          }}
        />
        Run only when a condition holds
      </label>
      {node.is_conditional && (
        <label className="field">
          <span className="field__label">Condition (CEL)</span>
          <CommitField
            data-testid="inspect-condition"
            value={node.condition_expression ?? ""}
            placeholder="upstream.top.row_count > 0"
            onCommit={(text) => {
              editFlow((f) => setCondition(f, id, text));
            }}
          />
          {conditionProblems.map((d) => (
            <span key={d.message} className="field__error" role="alert">
              {d.message}
            </span>
          ))}
        </label>
      )}
      {listParams.length > 0 && (
        <label className="field">
          <span className="field__label">Run once for each value of</span>
          <select
            className="field__input"
            value={config.for_each ?? ""}
            onChange={(event) => {
              editFlow((f) => setNodeConfig(f, id, { for_each: event.target.value }));
            }}
          >
            <option value="">— (run once)</option>
            {listParams.map((p) => (
              <option key={p.name} value={p.name}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
      )}
    </section>
  );
}

/**
 * The version of its template a node is on; when the template has a newer one, what changed
 * and the choice to update to it or keep the node's (either one undoable edit). A declined
 * version can still be taken.
 */
