// The template library: the templates (searched, filtered, made active or not, moved in and out
// as packs) beside the editor of a new or stored one. The state and every step live in the
// store (`store/templates.ts`).
import { ErrorNotice } from "../components/ErrorNotice";
import { ScreenTopBar } from "../components/ScreenTopBar";
import { PackResult } from "../components/templates/PackResult";
import { TemplateEditor } from "../components/templates/TemplateEditor";
import { TemplateList } from "../components/templates/TemplateList";
import { useAppActions, useAppState } from "../store";
import "../styles/templates.css";

export function TemplatesScreen() {
  const editor = useAppState((state) => state.templateLibrary.editor);
  const notice = useAppState((state) => state.notice);
  const { dismissNotice } = useAppActions();

  return (
    <div className="screen">
      <ScreenTopBar title="Templates" backTestId="templates-home" />
      <div className="list-screen">
        <TemplateList />
        <main className="list-screen__pane">
          <PackResult />
          {notice && <ErrorNotice error={notice} onDismiss={dismissNotice} />}
          {editor === null ? (
            <p className="list-screen__hint">
              Open a template to change its SQL, parameters, output columns or chart, and test-run it, or make a new one.
            </p>
          ) : (
            <TemplateEditor key={editor.session} editor={editor} />
          )}
        </main>
      </div>
    </div>
  );
}
