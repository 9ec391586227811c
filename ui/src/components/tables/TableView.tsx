// The open table: its name and counts, rename, export and drop, and its three tabs: the rows,
// the schema editor and the history of its versions.
import { useState } from "react";
import type { ExportFormat, TableDetail } from "../../api";
import { plural } from "../../lib/format";
import { rowCount } from "../../lib/tableRows";
import { useAppActions, useAppState } from "../../store";
import type { TableTab } from "../../store/tables";
import { ErrorNotice } from "../ErrorNotice";
import { ConfirmDialog, NameDialog } from "../NameDialog";
import { Notice } from "../Notice";
import { RowBrowser } from "./RowBrowser";
import { SchemaHistory } from "./SchemaHistory";
import { TableSchemaEditor } from "./SchemaEditor";

const TABS: readonly { readonly tab: TableTab; readonly label: string }[] = [
  { tab: "rows", label: "Rows" },
  { tab: "schema", label: "Schema" },
  { tab: "history", label: "History" },
];

const FORMATS: readonly ExportFormat[] = ["csv", "json", "parquet"];

export function TableView({ name, tab }: { readonly name: string; readonly tab: TableTab }) {
  const detail = useAppState((state) => state.tables.detail);
  const { showTable, showTableTab } = useAppActions();

  if (detail.status === "loading") {
    return (
      <p className="list-status" aria-busy="true">
        Loading {name}…
      </p>
    );
  }
  if (detail.status === "failed") {
    return <ErrorNotice title={`Could not open ${name}`} error={detail.error} onRetry={() => void showTable(name, tab)} />;
  }
  return (
    <section className="table-view" aria-label={name}>
      <TableHeader detail={detail.data} />
      <ExportResult />
      <div className="tabs" role="tablist">
        {TABS.map((t) => (
          <button
            key={t.tab}
            type="button"
            role="tab"
            className="tabs__tab"
            aria-selected={tab === t.tab}
            data-testid={`tab-${t.tab}`}
            onClick={() => {
              showTableTab(t.tab);
            }}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div className="table-view__body" role="tabpanel">
        {tab === "rows" && <RowBrowser schema={detail.data.schema} />}
        {tab === "schema" && <TableSchemaEditor key={detail.data.summary.version} detail={detail.data} />}
        {tab === "history" && <SchemaHistory />}
      </div>
    </section>
  );
}

function TableHeader({ detail }: { readonly detail: TableDetail }) {
  const { summary } = detail;
  const exported = useAppState((state) => state.tables.exported);
  const { renameTable, dropTable, exportTable } = useAppActions();
  const [asking, setAsking] = useState<"rename" | "drop" | null>(null);
  const close = () => {
    setAsking(null);
  };

  return (
    <header className="table-view__head">
      <div className="table-view__title">
        <h2 className="pane-title" data-testid="table-title">
          {summary.display_name === "" ? summary.name : summary.display_name}
        </h2>
        <span className="table-view__meta">
          <code>{summary.name}</code> · version {summary.version} · {plural(summary.columns, "column")} · {rowCount(summary.rows)}
        </span>
      </div>
      <div className="table-view__actions">
        <button
          type="button"
          className="button button--small"
          data-testid="table-rename"
          onClick={() => {
            setAsking("rename");
          }}
        >
          Rename…
        </button>
        <span className="table-view__export" role="group" aria-label="Export the rows">
          Export
          {FORMATS.map((format) => (
            <button
              key={format}
              type="button"
              className="button button--small"
              data-testid={`export-table-${format}`}
              disabled={exported.status === "busy"}
              onClick={() => void exportTable(format)}
            >
              {format.toUpperCase()}
            </button>
          ))}
        </span>
        <button
          type="button"
          className="button button--small button--danger"
          data-testid="table-drop"
          onClick={() => {
            setAsking("drop");
          }}
        >
          Drop…
        </button>
      </div>
      {asking === "rename" && (
        <NameDialog
          title={`Rename ${summary.name}`}
          initial={summary.name}
          confirm="Rename"
          onConfirm={(newName) => {
            close();
            void renameTable(newName);
          }}
          onCancel={close}
        />
      )}
      {asking === "drop" && (
        <ConfirmDialog
          title={`Drop ${summary.name}?`}
          confirm="Drop table"
          onConfirm={() => {
            close();
            void dropTable();
          }}
          onCancel={close}
        >
          Its {rowCount(summary.rows)} are deleted for good; its history is kept. Flows that read it will fail.
        </ConfirmDialog>
      )}
    </header>
  );
}

function ExportResult() {
  const exported = useAppState((state) => state.tables.exported);
  const { dismissTableExport } = useAppActions();
  if (exported.status === "done") {
    return (
      <Notice tone="ok" testId="table-export-result" title={`Exported ${rowCount(exported.rows)}`} onDismiss={dismissTableExport}>
        <span>{exported.path}</span>
      </Notice>
    );
  }
  if (exported.status === "failed") {
    return (
      <Notice
        tone="error"
        testId="table-export-result"
        errorCode={exported.error.code}
        title="Could not export the table"
        onDismiss={dismissTableExport}
      >
        <span>{exported.error.message}</span>
      </Notice>
    );
  }
  return null;
}
