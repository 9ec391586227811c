// The frame every dialog of the app shares: a backdrop over the screen (a click on it, outside
// the dialog, closes the dialog), Escape that closes it, and the dialog element with its role,
// its label and its test id. A `title` becomes the dialog's heading and its label; a dialog that
// draws its own heading names it with `labelledBy`.
import { useId, type ReactNode, type SyntheticEvent } from "react";
import { useEscape } from "./useEscape";

type Props = {
  /** Escape, or a click on the backdrop. */
  readonly onClose: () => void;
  readonly testId: string;
  /** The dialog's heading (and label). */
  readonly title?: ReactNode;
  /** The id of the dialog's own heading, when it has no `title`. */
  readonly labelledBy?: string;
  /** A label for a dialog without a heading. */
  readonly label?: string;
  readonly describedBy?: string;
  /** An alert dialog asks to confirm something that cannot be undone. */
  readonly role?: "dialog" | "alertdialog";
  /** The dialog's classes: `modal` unless it is drawn its own way. */
  readonly className?: string;
  /** The dialog is a form, submitted by its submit button or Enter in a field. */
  readonly onSubmit?: (event: SyntheticEvent) => void;
  readonly children: ReactNode;
};

export function Modal({
  onClose,
  testId,
  title,
  labelledBy,
  label,
  describedBy,
  role = "dialog",
  className = "modal",
  onSubmit,
  children,
}: Props) {
  const titleId = useId();
  useEscape(onClose);
  const attributes = {
    className,
    role,
    "aria-modal": true,
    "aria-labelledby": title !== undefined ? titleId : labelledBy,
    "aria-label": label,
    "aria-describedby": describedBy,
    "data-testid": testId,
  };
  const body = (
    <>
      {title !== undefined && (
        <h2 id={titleId} className="modal__title">
          {title}
        </h2>
      )}
      {children}
    </>
  );
  return (
    <div
      className="modal-backdrop"
      onClick={(event) => {
        if (event.target === event.currentTarget) onClose();
      }}
    >
      {onSubmit !== undefined ? (
        <form {...attributes} onSubmit={onSubmit}>
          {body}
        </form>
      ) : (
        <div {...attributes}>{body}</div>
      )}
    </div>
  );
}
