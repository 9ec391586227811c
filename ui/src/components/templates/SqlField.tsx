// A template's SQL: the CodeMirror editor (loaded the first time one is shown, not with the app)
// and, under it, every problem the last check found. The wrapper carries the text as `data-sql`
// so the end-to-end tests can read it back.
import { Suspense, lazy } from "react";
import { problemLines } from "../../lib/sqlProblems";
import type { SqlCheck } from "../../store/templates";

const SqlEditor = lazy(() => import("./SqlEditor"));

type Props = {
  readonly sql: string;
  readonly check: SqlCheck;
  readonly onChange: (sql: string) => void;
};

export function SqlField({ sql, check, onChange }: Props) {
  const checked = check.status === "ready" ? check : null;
  return (
    <div className="template-section">
      <h3 className="template-section__title">SQL</h3>
      <p className="template-section__hint">
        Write <code>{"{{name}}"}</code> where a parameter’s value goes; it is bound, never pasted in as text.
      </p>
      <div className="sql-field" data-testid="template-sql" data-sql={sql}>
        <Suspense fallback={<pre className="sql-field__loading">{sql}</pre>}>
          <SqlEditor value={sql} checked={checked} onChange={onChange} />
        </Suspense>
      </div>
      {checked !== null && checked.problems.length > 0 && (
        <ul className="sql-problems" aria-label="Problems in the SQL">
          {problemLines(checked.problems).map((problem) => (
            <li
              key={`${problem.from}:${problem.message}`}
              className={`sql-problems__item sql-problems__item--${problem.error ? "error" : "warning"}`}
              data-testid="sql-problem"
              data-severity={problem.error ? "error" : "warning"}
            >
              {problem.message}
            </li>
          ))}
        </ul>
      )}
      {check.status === "failed" && (
        <p className="sql-problems__failed" role="status">
          Could not check the SQL: {check.error.message}
        </p>
      )}
    </div>
  );
}
