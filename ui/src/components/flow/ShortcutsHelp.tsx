// The keyboard shortcuts overlay (press ?), listing `SHORTCUTS`.
import { useId } from "react";
import { SHORTCUTS } from "../../lib/shortcuts";
import { Modal } from "../Modal";

export function ShortcutsHelp({ onClose }: { readonly onClose: () => void }) {
  const titleId = useId();
  return (
    <Modal onClose={onClose} testId="shortcuts-help" className="modal shortcuts" labelledBy={titleId}>
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
    </Modal>
  );
}
