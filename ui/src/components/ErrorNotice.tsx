// Shows an AppError the way people read it: its message, with a retry or dismiss when offered.
import type { AppError } from "../api";

type Props = {
  readonly error: AppError;
  readonly title?: string;
  readonly onRetry?: () => void;
  readonly onDismiss?: () => void;
};

export function ErrorNotice({ error, title = "Something went wrong", onRetry, onDismiss }: Props) {
  return (
    <div className="error-notice" role="alert" data-testid="error" data-error-code={error.code}>
      <div className="error-notice__text">
        <strong>{title}</strong>
        <span>{error.message}</span>
      </div>
      {onRetry && (
        <button type="button" className="button" onClick={onRetry}>
          Try again
        </button>
      )}
      {onDismiss && (
        <button type="button" className="button button--ghost" onClick={onDismiss} aria-label="Dismiss">
          Dismiss
        </button>
      )}
    </div>
  );
}
