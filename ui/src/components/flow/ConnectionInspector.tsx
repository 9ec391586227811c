// The inspector for a connection: its mappings (column, transformation) and whether it is
// required. A field commits when it loses focus or on Enter.
import type { Connection, OutputColumn } from "../../api";
import { setMapping, setRequired } from "../../lib/edit";
import { useAppActions } from "../../store";
import { CommitField } from "./CommitField";

const TRANSFORMATIONS = ["list", "distinct_list", "first", "count", "sum", "min", "max"];

export function ConnectionInspector({ connection, columns }: { readonly connection: Connection; readonly columns: readonly OutputColumn[] | null }) {
  const { editFlow } = useAppActions();
  const id = connection.connection_id;
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
