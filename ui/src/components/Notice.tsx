// A result the user reads and then dismisses: a success or a failure with a title, a few lines
// beneath, and (for a file that did not pass) its problems by path.
import type { ReactNode } from "react";
import type { Diagnostic } from "../api";
import { CheckIcon, ErrorIcon, WarningIcon } from "./icons";

type Props = {
  readonly tone: "ok" | "error";
  readonly title: string;
  readonly testId: string;
  /** The AppError code of a failure, as `data-error-code`. */
  readonly errorCode?: string;
  readonly children?: ReactNode;
  /** Buttons shown before Dismiss. */
  readonly actions?: ReactNode;
  readonly onDismiss: () => void;
};

export function Notice({ tone, title, testId, errorCode, children, actions, onDismiss }: Props) {
  return (
    <div
      className={`notice notice--${tone}`}
      role={tone === "error" ? "alert" : "status"}
      data-testid={testId}
      data-status={tone === "ok" ? "done" : "failed"}
      data-error-code={errorCode}
    >
      <span className="notice__icon">{tone === "ok" ? <CheckIcon /> : <ErrorIcon />}</span>
      <div className="notice__text">
        <strong className="notice__title">{title}</strong>
        {children}
      </div>
      <div className="notice__actions">
        {actions}
        <button type="button" className="button button--ghost" onClick={onDismiss}>
          Dismiss
        </button>
      </div>
    </div>
  );
}

/** A file's problems, one line each: where (the JSON pointer) and what. */
export function DiagnosticList({ diagnostics, testId }: { readonly diagnostics: readonly Diagnostic[]; readonly testId: string }) {
  return (
    <ul className="diagnostic-list">
      {diagnostics.map((d, index) => (
        <li key={`${d.path}-${d.code}-${index}`} className="diagnostic-list__item" data-testid={testId} data-code={d.code}>
          <span className={`diagnostic-list__icon diagnostic-list__icon--${d.severity}`}>
            {d.severity === "error" ? <ErrorIcon size={13} /> : <WarningIcon size={13} />}
          </span>
          <code className="diagnostic-list__path">{d.path === "" ? "/" : d.path}</code>
          <span className="diagnostic-list__message">{d.message}</span>
        </li>
      ))}
    </ul>
  );
}
