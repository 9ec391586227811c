// The template library: the templates (searched, filtered, made active or not, moved in and out
// as packs) beside the editor of a new or stored one. The state and every step live in the
// store (`templateActions.ts`).
import { ErrorNotice } from "../components/ErrorNotice";
import { BackIcon } from "../components/icons";
import { PackResult } from "../components/templates/PackResult";
import { TemplateEditor } from "../components/templates/TemplateEditor";
import { TemplateList } from "../components/templates/TemplateList";
import { useAppActions, useAppState } from "../store";
import "../styles/templates.css";

export function TemplatesScreen() {
  const editor = useAppState((state) => state.templateLibrary.editor);
  const notice = useAppState((state) => state.notice);
  const { goHome, dismissNotice } = useAppActions();

  return (
    <div className="screen">
      <header className="topbar">
        <button type="button" className="back" data-testid="templates-home" onClick={() => void goHome()}>
          <BackIcon />
          Flows
        </button>
        <h1 className="templates-title">Templates</h1>
      </header>
      <div className="templates">
        <TemplateList />
        <main className="templates__pane">
          <PackResult />
          {notice && <ErrorNotice error={notice} onDismiss={dismissNotice} />}
          {editor === null ? (
            <p className="templates__hint">
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
