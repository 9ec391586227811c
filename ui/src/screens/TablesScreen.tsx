// Data tables: the list of tables beside the open one (its rows, schema and
// history), a new table's schema, or the import wizard. The state and every step live in the
// store (`store/tables.ts`).
import { ErrorNotice } from "../components/ErrorNotice";
import { ScreenTopBar } from "../components/ScreenTopBar";
import { NewTableEditor } from "../components/tables/SchemaEditor";
import { TableImport } from "../components/tables/TableImport";
import { TableList } from "../components/tables/TableList";
import { TableView } from "../components/tables/TableView";
import { useAppActions, useAppState } from "../store";
import "../styles/tables.css";

export function TablesScreen() {
  const pane = useAppState((state) => state.tables.pane);
  const notice = useAppState((state) => state.notice);
  const { dismissNotice } = useAppActions();

  return (
    <div className="screen">
      <ScreenTopBar title="Data tables" backTestId="tables-home" />
      <div className="list-screen">
        <TableList />
        <main className="list-screen__pane">
          {notice && <ErrorNotice error={notice} onDismiss={dismissNotice} />}
          {pane.kind === "none" && (
            <p className="list-screen__hint">Open a table to browse its rows, change its columns or read its history.</p>
          )}
          {pane.kind === "new" && <NewTableEditor />}
          {pane.kind === "import" && <TableImport />}
          {pane.kind === "table" && <TableView key={pane.name} name={pane.name} tab={pane.tab} />}
        </main>
      </div>
    </div>
  );
}
