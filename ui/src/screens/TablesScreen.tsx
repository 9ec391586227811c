// Data tables ("FlexDB"): the list of tables beside the open one (its rows, schema and
// history), a new table's schema, or the import wizard. The state and every step live in the
// store (`tableActions.ts`).
import { ErrorNotice } from "../components/ErrorNotice";
import { BackIcon } from "../components/icons";
import { NewTableEditor } from "../components/tables/SchemaEditor";
import { TableImport } from "../components/tables/TableImport";
import { TableList } from "../components/tables/TableList";
import { TableView } from "../components/tables/TableView";
import { useAppActions, useAppState } from "../store";
import "../styles/tables.css";

export function TablesScreen() {
  const pane = useAppState((state) => state.tables.pane);
  const notice = useAppState((state) => state.notice);
  const { goHome, dismissNotice } = useAppActions();

  return (
    <div className="screen">
      <header className="topbar">
        <button type="button" className="back" data-testid="tables-home" onClick={() => void goHome()}>
          <BackIcon />
          Flows
        </button>
        <h1 className="tables-title">Data tables</h1>
      </header>
      <div className="tables">
        <TableList />
        <main className="tables__pane">
          {notice && <ErrorNotice error={notice} onDismiss={dismissNotice} />}
          {pane.kind === "none" && (
            <p className="tables__hint">Open a table to browse its rows, change its columns or read its history.</p>
          )}
          {pane.kind === "new" && <NewTableEditor />}
          {pane.kind === "import" && <TableImport />}
          {pane.kind === "table" && <TableView key={pane.name} name={pane.name} tab={pane.tab} />}
        </main>
      </div>
    </div>
  );
}
