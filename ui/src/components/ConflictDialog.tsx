// The small modal that asks what to do when an imported file carries a flow or template the
// workspace has with other content. Escape, Cancel or a click beside it closes it.
import { useEffect, useId, useRef } from "react";
import type { ConflictChoice } from "../lib/importFlow";
import { Modal } from "./Modal";

type Props = {
  /** What conflicts, in Rust's words. */
  readonly message: string;
  readonly onChoose: (choice: ConflictChoice) => void;
  readonly onCancel: () => void;
};

export function ConflictDialog({ message, onChoose, onCancel }: Props) {
  const messageId = useId();
  const keepBoth = useRef<HTMLButtonElement>(null);

  // Start on the choice that loses nothing.
  useEffect(() => {
    keepBoth.current?.focus();
  }, []);

  return (
    <Modal onClose={onCancel} testId="conflict-dialog" title="Already in this workspace" describedBy={messageId}>
      <p id={messageId} className="modal__message" data-testid="conflict-message">
        {message}
      </p>
      <p className="modal__hint">
        <strong>Keep both</strong> adds the file’s version under a new id. <strong>Replace</strong> overwrites the
        workspace’s version.
      </p>
      <div className="modal__actions">
        <button type="button" className="button button--ghost" data-testid="conflict-cancel" onClick={onCancel}>
          Cancel
        </button>
        <button
          type="button"
          className="button button--danger"
          data-testid="conflict-replace"
          onClick={() => {
            onChoose("replace");
          }}
        >
          Replace
        </button>
        <button
          type="button"
          ref={keepBoth}
          className="button button--primary"
          data-testid="conflict-keep-both"
          onClick={() => {
            onChoose("keep-both");
          }}
        >
          Keep both
        </button>
      </div>
    </Modal>
  );
}
