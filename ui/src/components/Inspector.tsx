// The inspector for the canvas selection: a node's label, colour, note, parameter overrides
// (typed inputs), condition, for-each, timeout and retries; or a connection's mappings
// (column, transformation) and whether it is required. A field commits when it loses focus
// or on Enter, so typing a value is one undo step, not one per key.
import type { Connection, Diagnostic, Flow, FlowNode, ParamSpec, Template, TemplateDetail } from "../api";
import { nodeLabel } from "../lib/canvas";
import { setCondition, setMapping, setNodeConfig, setOverride, setRequired, valueFromText } from "../lib/edit";
import { formatValue } from "../lib/format";
import { useAppActions } from "../store";
import { CommitField } from "./CommitField";

const TRANSFORMATIONS = ["list", "distinct_list", "first", "count", "sum", "min", "max"];

type Props = {
  readonly flow: Flow;
  readonly templates: readonly TemplateDetail[];
  readonly diagnostics: readonly Diagnostic[];
  readonly nodeId: string | null;
  readonly connectionId: string | null;
};

export function Inspector({ flow, templates, diagnostics, nodeId, connectionId }: Props) {
  const catalogue = new Map(templates.map((t) => [t.template.template_id, t.template]));
  const node = nodeId === null ? undefined : flow.nodes.find((n) => n.node_id === nodeId);
  const connection = connectionId === null ? undefined : flow.connections.find((c) => c.connection_id === connectionId);
  if (node !== undefined) {
    return <NodeInspector flow={flow} node={node} template={catalogue.get(node.template_id)} diagnostics={diagnostics} />;
  }
  if (connection !== undefined) {
    const source = flow.nodes.find((n) => n.node_id === connection.source_node_id);
    return <ConnectionInspector connection={connection} source={source && catalogue.get(source.template_id)} />;
  }
  return null;
}

function inputType(param: ParamSpec): string {
  if (param.list === true) return "text";
  if (param.type === "date") return "date";
  if (param.type === "integer" || param.type === "decimal") return "number";
  return "text";
}

function NodeInspector({
  flow,
  node,
  template,
  diagnostics,
}: {
  readonly flow: Flow;
  readonly node: FlowNode;
  readonly template: Template | undefined;
  readonly diagnostics: readonly Diagnostic[];
}) {
  const { editFlow } = useAppActions();
  const id = node.node_id;
  const fed = new Map<string, string>();
  for (const c of flow.connections) {
    if (c.target_node_id !== id) continue;
    for (const [param, column] of Object.entries(c.field_mappings)) fed.set(param, `${c.source_node_id}.${column}`);
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

      {template !== undefined && template.parameters.length > 0 && (
        <div className="inspector__params">
          <h4>Parameters</h4>
          {template.parameters.map((param) => {
            const from = fed.get(param.name);
            const override = node.parameter_overrides[param.name];
            const fallback = globals.has(param.name)
              ? "global parameter"
              : param.default !== undefined && param.default !== null
                ? formatValue(param.default)
                : param.required
                  ? "required"
                  : "";
            return (
              <label key={param.name} className="field">
                <span className="field__label">
                  {param.name}
                  <span className="field__type">
                    {param.type}
                    {param.list === true ? " list" : ""}
                  </span>
                </span>
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

function ConnectionInspector({ connection, source }: { readonly connection: Connection; readonly source: Template | undefined }) {
  const { editFlow } = useAppActions();
  const id = connection.connection_id;
  const columns = source?.output_columns ?? null;
  return (
    <section className="inspector" aria-label="Selected connection" data-testid="inspector" data-connection-id={id}>
      <h3>
        {connection.source_node_id} → {connection.target_node_id}
      </h3>
      {Object.entries(connection.field_mappings).map(([param, column]) => (
        <div key={param} className="inspector__mapping">
          <span className="field__label">{param}</span>
          <div className="inspector__row">
            {columns === null ? (
              <CommitField
                aria-label={`Column for ${param}`}
                value={column}
                onCommit={(text) => {
                  editFlow((f) => setMapping(f, id, param, { column: text }));
                }}
              />
            ) : (
              <select
                className="field__input"
                aria-label={`Column for ${param}`}
                value={column}
                onChange={(event) => {
                  editFlow((f) => setMapping(f, id, param, { column: event.target.value }));
                }}
              >
                {columns.map((c) => (
                  <option key={c.name} value={c.name}>
                    {c.name} ({c.type})
                  </option>
                ))}
              </select>
            )}
            <select
              className="field__input"
              aria-label={`Transformation for ${param}`}
              data-testid="inspect-transformation"
              value={connection.transformation_rules[param] ?? "list"}
              onChange={(event) => {
                editFlow((f) => setMapping(f, id, param, { rule: event.target.value }));
              }}
            >
              {TRANSFORMATIONS.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
          </div>
        </div>
      ))}
      <label className="field field--check">
        <input
          type="checkbox"
          checked={connection.is_required}
          onChange={(event) => {
            editFlow((f) => setRequired(f, id, event.target.checked));
          }}
        />
        Required: if {connection.source_node_id} fails, skip {connection.target_node_id}
      </label>
    </section>
  );
}
