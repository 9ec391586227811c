// Why a save or a test run was refused, with every problem on its own line (or Rust's message).
import type { AppError } from "../../api";
import { ErrorIcon } from "../icons";
import { problemsOf } from "../../lib/errors";

/** Why a save or a test run was refused, with every problem on its own line. */
export function Refusal({ error, title, testId }: { readonly error: AppError; readonly title: string; readonly testId: string }) {
  const problems = problemsOf(error);
  return (
    <div className="refusal" role="alert" data-testid={testId} data-error-code={error.code}>
      <ErrorIcon />
      <div className="refusal__text">
        <strong>{title}</strong>
        {problems.length > 0 ? (
          <ul className="refusal__problems">
            {problems.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        ) : (
          <span className="refusal__message">{error.message}</span>
        )}
      </div>
    </div>
  );
}
