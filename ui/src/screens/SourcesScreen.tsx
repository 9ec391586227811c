// Data sources: the workspace's sources beside the form of a new or stored PostgreSQL one. The
// state and every step live in the store (`store/sources.ts`).
import { ErrorNotice } from "../components/ErrorNotice";
import { ScreenTopBar } from "../components/ScreenTopBar";
import { SourceEditor } from "../components/sources/SourceEditor";
import { SourceList } from "../components/sources/SourceList";
import { useAppActions, useAppState } from "../store";
import "../styles/sources.css";

export function SourcesScreen() {
  const editor = useAppState((state) => state.sources.editor);
  const notice = useAppState((state) => state.notice);
  const { dismissNotice } = useAppActions();

  return (
    <div className="screen">
      <ScreenTopBar title="Data sources" backTestId="sources-home" />
      <div className="list-screen">
        <SourceList />
        <main className="list-screen__pane">
          {notice && <ErrorNotice error={notice} onDismiss={dismissNotice} />}
          {editor === null ? (
            <p className="list-screen__hint">
              Templates run on this computer’s data files and tables, or on a database of yours. Add a PostgreSQL source, then pick it in a
              template’s editor.
            </p>
          ) : (
            <SourceEditor key={`${editor.kind === "edit" ? editor.source.source.source_id : "new"}:${editor.revision}`} editor={editor} />
          )}
        </main>
      </div>
    </div>
  );
}
