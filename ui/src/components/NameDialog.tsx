// A small dialog asking for one name: a new flow's, or a copy's. Enter confirms, Escape cancels.
import { useState, type SyntheticEvent } from "react";
import { Modal } from "./Modal";

type Props = {
  readonly title: string;
  readonly initial: string;
  readonly confirm: string;
  readonly onConfirm: (name: string) => void;
  readonly onCancel: () => void;
};

export function NameDialog({ title, initial, confirm, onConfirm, onCancel }: Props) {
  const [name, setName] = useState(initial);
  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    if (name.trim() !== "") onConfirm(name.trim());
  };
  return (
    <Modal onClose={onCancel} testId="name-dialog" title={title} onSubmit={submit}>
      <label className="field">
        <span className="field__label">Name</span>
        <input
          className="field__input"
          data-testid="name-input"
          autoFocus
          value={name}
          onChange={(event) => {
            setName(event.target.value);
          }}
        />
      </label>
      <div className="modal__actions">
        <button type="button" className="button button--ghost" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="button button--primary" data-testid="name-submit" disabled={name.trim() === ""}>
          {confirm}
        </button>
      </div>
    </Modal>
  );
}

/** Asks before something that cannot be undone. */
export function ConfirmDialog({
  title,
  children,
  confirm,
  onConfirm,
  onCancel,
}: {
  readonly title: string;
  readonly children: React.ReactNode;
  readonly confirm: string;
  readonly onConfirm: () => void;
  readonly onCancel: () => void;
}) {
  return (
    <Modal onClose={onCancel} testId="confirm-dialog" role="alertdialog" title={title}>
      <div className="modal__body">{children}</div>
      <div className="modal__actions">
        <button type="button" className="button button--ghost" autoFocus onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className="button button--danger" data-testid="confirm-submit" onClick={onConfirm}>
          {confirm}
        </button>
      </div>
    </Modal>
  );
}
