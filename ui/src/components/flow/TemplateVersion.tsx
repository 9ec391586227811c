// The version of its template a node is on, in the node inspector: with a newer version, what
// changed in it, and the choice to update the node to it or keep the node where it is.
import type { FlowNode } from "../../api";
import { describeTemplateChanges, nodeVersion, templateUpdate, type Catalogue } from "../../lib/catalogue";
import { declineTemplateVersion, updateTemplateVersion } from "../../lib/edit";
import { useAppActions } from "../../store";

export function TemplateVersion({ node, catalogue }: { readonly node: FlowNode; readonly catalogue: Catalogue }) {
  const { editFlow } = useAppActions();
  const version = nodeVersion(catalogue, node);
  if (version === undefined) return null;
  const id = node.node_id;
  const current = catalogue.current.get(node.template_id)?.template;
  const update = templateUpdate(catalogue, node);
  const before = update === null ? undefined : catalogue.earlier.get(node.template_id)?.get(update.from);
  const changes = before === undefined || current === undefined ? null : describeTemplateChanges(before, current);
  return (
    <div className="inspector__template" data-testid="template-section">
      <h4>Template</h4>
      <p className="inspector__version">
        <span data-testid="template-version" data-version={version}>
          Version {version}
        </span>
        {version === current?.version && <span className="muted"> · the newest</span>}
      </p>
      {update !== null && (
        <>
          <p
            className={`inspector__template-change${update.declined ? "" : " inspector__template-change--new"}`}
            data-testid="template-change"
          >
            {update.declined
              ? `Keeps version ${update.from} (version ${update.to} declined).`
              : `The template changed: version ${update.from} → ${update.to}.`}
          </p>
          {changes !== null && (
            <ul className="inspector__changes" data-testid="template-changes">
              {changes.length === 0 ? <li>No change to its SQL, parameters or output columns</li> : changes.map((c) => <li key={c}>{c}</li>)}
            </ul>
          )}
          <div className="inspector__actions">
            <button
              type="button"
              className="button button--small button--primary"
              data-testid="template-update"
              onClick={() => {
                editFlow((f) => updateTemplateVersion(f, id, update.to));
              }}
            >
              Update to version {update.to}
            </button>
            {!update.declined && (
              <button
                type="button"
                className="button button--small"
                data-testid="template-keep"
                onClick={() => {
                  editFlow((f) => declineTemplateVersion(f, id, update.to));
                }}
              >
                Keep version {update.from}
              </button>
            )}
          </div>
        </>
      )}
    </div>
  );
}

/** `columns`: the source's columns as validation counts them (null when it declares none). */
