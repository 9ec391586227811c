// The keyboard shortcuts overlay (press ?), listing `SHORTCUTS`.
import { useId } from "react";
import { SHORTCUTS } from "../lib/shortcuts";
import { useEscape } from "./useEscape";

export function ShortcutsHelp({ onClose }: { readonly onClose: () => void }) {
  const titleId = useId();
  useEscape(onClose);
  return (
    <div
      className="modal-backdrop"
      onClick={(event) => {
        if (event.target === event.currentTarget) onClose();
      }}
    >
      <div className="modal shortcuts" role="dialog" aria-modal="true" aria-labelledby={titleId} data-testid="shortcuts-help">
        <h2 id={titleId}>Keyboard shortcuts</h2>
        <dl className="shortcuts__list">
          {SHORTCUTS.map((s) => (
            <div key={s.action} className="shortcuts__row">
              <dt>
                <kbd>{s.keys}</kbd>
              </dt>
              <dd>{s.does}</dd>
            </div>
          ))}
        </dl>
        <div className="modal__actions">
          <button type="button" className="button button--primary" onClick={onClose}>
            Close
          </button>
        </div>
      </div>
    </div>
  );
}
