// The workspace's data sources: `src_local` first ("This computer"), then the others by name,
// each with its kind, where it is (user@host:port/database) and how many templates run on it;
// Edit, and Delete (disabled, saying why, while templates run on it).
import { useState } from "react";
import type { SourceDetail } from "../../api";
import { cannotDelete, kindLabel, LOCAL_SOURCE, sortSources, whereOf } from "../../lib/sources";
import { useAppActions, useAppState } from "../../store";
import { ErrorNotice } from "../ErrorNotice";
import { ConfirmDialog } from "../NameDialog";

export function SourceList() {
  const list = useAppState((state) => state.sources.list);
  const editor = useAppState((state) => state.sources.editor);
  const { openSources, startNewSource, removeSource } = useAppActions();
  const [deleting, setDeleting] = useState<SourceDetail | null>(null);
  const editing = editor?.kind === "edit" ? editor.source.source.source_id : null;

  return (
    <aside className="side-list source-list" aria-label="Data sources">
      <div className="source-list__actions">
        <button type="button" className="button button--primary" data-testid="new-source" onClick={startNewSource}>
          New PostgreSQL source
        </button>
      </div>
      {list.status === "loading" && (
        <p className="list-status" aria-busy="true">
          Loading data sources…
        </p>
      )}
      {list.status === "failed" && <ErrorNotice title="Could not list the data sources" error={list.error} onRetry={() => void openSources()} />}
      {list.status === "ready" && (
        <ul className="source-list__items">
          {sortSources(list.data).map((detail) => (
            <SourceRow key={detail.source.source_id} detail={detail} editing={detail.source.source_id === editing} onDelete={setDeleting} />
          ))}
        </ul>
      )}
      {deleting !== null && (
        <ConfirmDialog
          title={`Delete “${deleting.source.name}”?`}
          confirm="Delete source"
          onConfirm={() => {
            setDeleting(null);
            void removeSource(deleting.source.source_id);
          }}
          onCancel={() => {
            setDeleting(null);
          }}
        >
          <p>Flowloom forgets how to reach this database and the password it kept for it. The database itself is not touched.</p>
        </ConfirmDialog>
      )}
    </aside>
  );
}

type RowProps = {
  readonly detail: SourceDetail;
  readonly editing: boolean;
  readonly onDelete: (detail: SourceDetail) => void;
};

function SourceRow({ detail, editing, onDelete }: RowProps) {
  const { editSource } = useAppActions();
  const { source, template_count } = detail;
  const local = source.source_id === LOCAL_SOURCE;
  const refusal = cannotDelete(detail);
  const templates = template_count === 1 ? "1 template" : `${template_count} templates`;

  return (
    <li
      className={`source${editing ? " source--editing" : ""}`}
      aria-current={editing ? "true" : undefined}
      data-testid="source-row"
      data-source-id={source.source_id}
      data-kind={source.config.kind}
    >
      <div className="source__head">
        <strong className="source__name" data-testid="source-row-name">
          {source.name}
        </strong>
        <span className="source__kind" data-testid="source-kind">
          {kindLabel(source)}
        </span>
      </div>
      <p className="source__line" data-testid="source-where" title={whereOf(source)}>
        {whereOf(source)}
      </p>
      <p className="source__line" data-testid="source-templates">
        {templates}
      </p>
      {!local && (
        <div className="source__actions">
          <button
            type="button"
            className="button button--small"
            data-testid="source-edit"
            onClick={() => {
              editSource(source.source_id);
            }}
          >
            Edit
          </button>
          {/* A disabled button shows no tooltip in every webview: its wrapper says why. */}
          <span title={refusal ?? undefined} data-testid="source-delete-why">
            <button
              type="button"
              className="button button--small button--ghost"
              data-testid="source-delete"
              disabled={refusal !== null}
              onClick={() => {
                onDelete(detail);
              }}
            >
              Delete
            </button>
          </span>
        </div>
      )}
    </li>
  );
}
