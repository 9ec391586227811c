// A PostgreSQL source's form, new or stored: its name and how to reach the server, where its
// password comes from (typed, to be kept in the OS keyring, or an environment variable), and
// Test connection (the server's version and latency, or why not) without saving. The form is
// this component's; saving and testing are the store's. The password is typed into a password
// field, sent beside the source once, and gone when the form starts afresh after a save.
import { useState, type SyntheticEvent } from "react";
import { SSL_MODES, blankSourceForm, verifies, formOf, type SourceField, type SourceForm, type SourceProblem } from "../../lib/sources";
import type { SourceEditor as Editing, SourceTest } from "../../store/sources";
import { useAppActions, useAppState } from "../../store";
import { ErrorNotice } from "../ErrorNotice";

type Edit = (change: Partial<SourceForm>) => void;

/** The form's fields typed as text (the others are a select and radio buttons). */
type TextField = "name" | "host" | "port" | "database" | "user" | "sslRootCert" | "searchPath" | "poolSize" | "statementTimeoutMs" | "reuseFor";

export function SourceEditor({ editor }: { readonly editor: Editing }) {
  const save = useAppState((state) => state.sources.save);
  const test = useAppState((state) => state.sources.test);
  const { saveSource, testSource, closeSourceEditor } = useAppActions();
  const [form, setForm] = useState<SourceForm>(() => (editor.kind === "edit" ? formOf(editor.source.source) : blankSourceForm));
  const edit: Edit = (change) => {
    setForm((current) => ({ ...current, ...change }));
  };
  const problems: readonly SourceProblem[] = save.status === "invalid" ? save.problems : test.status === "invalid" ? test.problems : [];
  const problemOf = (field: SourceField | TextField) => problems.find((p) => p.field === field)?.message;
  const stored = editor.kind === "edit";

  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    void saveSource(form);
  };

  const text = (field: TextField, label: string, props: { placeholder?: string; hint?: string; mono?: boolean; inputMode?: "numeric" } = {}) => {
    const problem = problemOf(field);
    return (
      <label className="field">
        <span className="field__label">{label}</span>
        <input
          className={`field__input${props.mono === true ? " field__input--mono" : ""}`}
          data-testid={`source-${field}`}
          placeholder={props.placeholder}
          inputMode={props.inputMode}
          aria-invalid={problem !== undefined}
          value={form[field]}
          onChange={(event) => {
            edit({ [field]: event.target.value });
          }}
        />
        {props.hint !== undefined && <span className="field__hint">{props.hint}</span>}
        {problem !== undefined && (
          <span className="field__problem" data-testid="source-problem" data-field={field}>
            {problem}
          </span>
        )}
      </label>
    );
  };

  return (
    <form className="source-editor" onSubmit={submit} aria-label={stored ? "Edit data source" : "New data source"} autoComplete="off">
      <h2 className="pane-title">{stored ? `Edit “${editor.source.source.name}”` : "New PostgreSQL source"}</h2>
      {text("name", "Name", { placeholder: "Sales warehouse" })}
      <div className="source-editor__row">
        {text("host", "Host", { placeholder: "db.example.com", mono: true })}
        {text("port", "Port", { inputMode: "numeric", mono: true })}
      </div>
      <div className="source-editor__row source-editor__row--even">
        {text("database", "Database", { mono: true })}
        {text("user", "User", { mono: true })}
        <label className="field">
          <span className="field__label">Encryption (sslmode)</span>
          <select
            className="field__input"
            data-testid="source-sslmode"
            value={form.sslmode}
            onChange={(event) => {
              edit({ sslmode: SSL_MODES.find((mode) => mode === event.target.value) ?? "prefer" });
            }}
          >
            {SSL_MODES.map((mode) => (
              <option key={mode} value={mode}>
                {mode}
              </option>
            ))}
          </select>
        </label>
      </div>
      {verifies(form.sslmode) &&
        text("sslRootCert", "Root certificate (PEM file)", {
          placeholder: "/etc/ssl/certs/company-ca.pem",
          hint: "Optional: the authorities that sign the server's certificate. Blank: the system's.",
          mono: true,
        })}
      <PasswordFields form={form} edit={edit} stored={stored} problem={problemOf("passwordEnv")} />
      {text("searchPath", "Schema search path", { placeholder: "analytics, public", hint: "Optional: the schemas unqualified table names are looked up in, in order.", mono: true })}
      <div className="source-editor__row source-editor__row--even">
        {text("poolSize", "Pool size", { inputMode: "numeric", hint: "The most connections kept open." })}
        {text("statementTimeoutMs", "Statement timeout (ms)", { inputMode: "numeric", hint: "Optional: the server stops longer queries." })}
        {text("reuseFor", "Reuse results for", { placeholder: "10m", hint: "Optional (30s, 10m, 2h, 1d): without it, nodes on this source always run.", mono: true })}
      </div>
      <CheckLine test={test} />
      {save.status === "failed" && <ErrorNotice title="Could not save this source" error={save.error} />}
      {save.status === "saved" && (
        <p className="source-check source-check--ok" role="status" data-testid="source-saved">
          Saved.
        </p>
      )}
      <div className="source-editor__actions">
        <button type="button" className="button button--ghost" data-testid="source-cancel" onClick={closeSourceEditor}>
          {save.status === "saved" ? "Close" : "Cancel"}
        </button>
        <button
          type="button"
          className="button"
          data-testid="source-test"
          aria-busy={test.status === "testing"}
          disabled={test.status === "testing"}
          onClick={() => void testSource(form)}
        >
          {test.status === "testing" ? "Testing…" : "Test connection"}
        </button>
        <button type="submit" className="button button--primary" data-testid="source-save" aria-busy={save.status === "saving"} disabled={save.status === "saving"}>
          {save.status === "saving" ? "Saving…" : stored ? "Save source" : "Add source"}
        </button>
      </div>
    </form>
  );
}

type PasswordProps = { readonly form: SourceForm; readonly edit: Edit; readonly stored: boolean; readonly problem: string | undefined };

/** Where the password comes from: typed (kept in the OS keyring) or an environment variable. */
function PasswordFields({ form, edit, stored, problem }: PasswordProps) {
  return (
    <fieldset className="source-editor__password">
      <legend>Password</legend>
      <div className="source-editor__choice" role="radiogroup" aria-label="Where the password comes from">
        <label>
          <input
            type="radio"
            name="password-from"
            data-testid="source-password-keyring"
            checked={form.passwordFrom === "keyring"}
            onChange={() => {
              edit({ passwordFrom: "keyring" });
            }}
          />{" "}
          Type it (kept in your OS keyring)
        </label>
        <label>
          <input
            type="radio"
            name="password-from"
            data-testid="source-password-env"
            checked={form.passwordFrom === "env"}
            onChange={() => {
              edit({ passwordFrom: "env", password: "" });
            }}
          />{" "}
          An environment variable
        </label>
      </div>
      {form.passwordFrom === "keyring" ? (
        <label className="field">
          <span className="field__label">Password</span>
          <input
            className="field__input"
            type="password"
            autoComplete="new-password"
            data-testid="source-password"
            placeholder={stored ? "Leave blank to keep the saved password" : ""}
            value={form.password}
            onChange={(event) => {
              edit({ password: event.target.value });
            }}
          />
          <span className="field__hint">
            Kept in your OS keyring, never in the workspace, flow files or logs. Without a keyring (a server), use an environment variable or ~/.pgpass.
          </span>
        </label>
      ) : (
        <label className="field">
          <span className="field__label">Environment variable</span>
          <input
            className="field__input field__input--mono"
            data-testid="source-passwordEnv"
            placeholder="PGPASSWORD_SALES"
            aria-invalid={problem !== undefined}
            value={form.passwordEnv}
            onChange={(event) => {
              edit({ passwordEnv: event.target.value });
            }}
          />
          <span className="field__hint">Its name only: Flowloom reads the password from it when it connects.</span>
          {problem !== undefined && (
            <span className="field__problem" data-testid="source-problem" data-field="passwordEnv">
              {problem}
            </span>
          )}
        </label>
      )}
    </fieldset>
  );
}

/** What Test connection found: the server's version and latency, or why it could not connect. */
function CheckLine({ test }: { readonly test: SourceTest }) {
  if (test.status === "ready") {
    return (
      <p className="source-check source-check--ok" role="status" data-testid="source-check" data-outcome="ok">
        Connected: {test.check.version}, {(test.check.latency_ms ?? 0).toFixed(1)} ms
      </p>
    );
  }
  if (test.status === "failed") {
    return (
      <p className="source-check source-check--failed" role="alert" data-testid="source-check" data-outcome="error" data-error-code={test.error.code}>
        Could not connect: {test.error.message}
      </p>
    );
  }
  return null;
}
