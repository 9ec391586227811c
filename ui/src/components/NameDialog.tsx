// A small dialog asking for one name: a new flow's, or a copy's. Enter confirms, Escape cancels.
import { useId, useState, type SyntheticEvent } from "react";
import { useEscape } from "./useEscape";

type Props = {
  readonly title: string;
  readonly initial: string;
  readonly confirm: string;
  readonly onConfirm: (name: string) => void;
  readonly onCancel: () => void;
};

export function NameDialog({ title, initial, confirm, onConfirm, onCancel }: Props) {
  const titleId = useId();
  const [name, setName] = useState(initial);
  useEscape(onCancel);
  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    if (name.trim() !== "") onConfirm(name.trim());
  };
  return (
    <div
      className="modal-backdrop"
      onClick={(event) => {
        if (event.target === event.currentTarget) onCancel();
      }}
    >
      <form className="modal" role="dialog" aria-modal="true" aria-labelledby={titleId} data-testid="name-dialog" onSubmit={submit}>
        <h2 id={titleId} className="modal__title">
          {title}
        </h2>
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
      </form>
    </div>
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
  const titleId = useId();
  useEscape(onCancel);
  return (
    <div
      className="modal-backdrop"
      onClick={(event) => {
        if (event.target === event.currentTarget) onCancel();
      }}
    >
      <div className="modal" role="alertdialog" aria-modal="true" aria-labelledby={titleId} data-testid="confirm-dialog">
        <h2 id={titleId} className="modal__title">
          {title}
        </h2>
        <div className="modal__body">{children}</div>
        <div className="modal__actions">
          <button type="button" className="button button--ghost" autoFocus onClick={onCancel}>
            Cancel
          </button>
          <button type="button" className="button button--danger" data-testid="confirm-submit" onClick={onConfirm}>
            {confirm}
          </button>
        </div>
      </div>
    </div>
  );
}
