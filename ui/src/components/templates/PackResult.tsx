// What came of importing or exporting a template pack, and the conflict question while an
// import waits for an answer. The steps live in the store (`importTemplatePack` and the rest).
import { plural } from "../../lib/format";
import { describePack } from "../../lib/templateLibrary";
import { useAppActions, useAppState } from "../../store";
import { ConflictDialog } from "../ConflictDialog";
import { Notice } from "../Notice";

export function PackResult() {
  const pack = useAppState((state) => state.templateLibrary.pack);
  const { resolvePackConflict, dismissPack } = useAppActions();

  switch (pack.status) {
    case "conflict":
      return <ConflictDialog message={pack.message} onChoose={(choice) => void resolvePackConflict(choice)} onCancel={dismissPack} />;
    case "imported":
      return (
        <Notice tone="ok" testId="template-pack-result" title="Imported the template pack" onDismiss={dismissPack}>
          {describePack(pack.outcome).map((line) => (
            <span key={line}>{line}</span>
          ))}
        </Notice>
      );
    case "exported":
      return (
        <Notice
          tone="ok"
          testId="template-pack-result"
          title={pack.count === null ? "Exported every template" : `Exported ${plural(pack.count, "template")}`}
          onDismiss={dismissPack}
        >
          <span>{pack.path}</span>
        </Notice>
      );
    case "failed":
      return (
        <Notice tone="error" testId="template-pack-result" errorCode={pack.error.code} title="The template pack failed" onDismiss={dismissPack}>
          <span>{pack.error.message}</span>
        </Notice>
      );
    case "idle":
    case "busy":
      return null;
  }
}
