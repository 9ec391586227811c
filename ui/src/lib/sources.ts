// Data sources as the screens show them: the form that adds or edits a PostgreSQL source and
// the source Rust takes, both ways, with what in the form cannot be saved yet; where a source
// is, in one line; the source badge of a canvas node and the palette's filter by source. A
// password is never part of a source: the form hands it to Rust beside the source, once. Pure.
import type { DataSource, SourceDetail, SourceInput, SslMode, TemplateDetail } from "../api";

/** The built-in source: the workspace's own engine over its data files and data tables. */
export const LOCAL_SOURCE = "src_local";

export const SSL_MODES: readonly SslMode[] = ["disable", "prefer", "require", "verify-ca", "verify-full"];

/** Whether `mode` checks the server's certificate (against the root certificate, if given). */
export function verifies(mode: SslMode): boolean {
  return mode === "verify-ca" || mode === "verify-full";
}

/** The palette's filter value that keeps every template. */
export const ALL_SOURCES = "";

/** Where the password of a PostgreSQL source comes from. */
export type PasswordFrom = "keyring" | "env";

/** A PostgreSQL source as its form holds it: every field the text of its input. */
export type SourceForm = {
  /** Null until the source is first saved (its id is then made from its name). */
  readonly sourceId: string | null;
  readonly name: string;
  readonly host: string;
  readonly port: string;
  readonly database: string;
  readonly user: string;
  readonly sslmode: SslMode;
  /** The certificate authorities' PEM file `verify-ca`/`verify-full` trust; blank: the system's. */
  readonly sslRootCert: string;
  /** Blank: the server's default `search_path`. */
  readonly searchPath: string;
  readonly poolSize: string;
  /** Milliseconds; blank for none. */
  readonly statementTimeoutMs: string;
  /** E.g. `10m`; blank: results on this source are never reused. */
  readonly reuseFor: string;
  readonly passwordFrom: PasswordFrom;
  /** Typed to be kept in the OS keyring; blank keeps the one already kept. Never shown back. */
  readonly password: string;
  /** The environment variable holding the password. */
  readonly passwordEnv: string;
};

export const blankSourceForm: SourceForm = {
  sourceId: null,
  name: "",
  host: "localhost",
  port: "5432",
  database: "",
  user: "",
  sslmode: "prefer",
  sslRootCert: "",
  searchPath: "",
  poolSize: "4",
  statementTimeoutMs: "",
  reuseFor: "",
  passwordFrom: "keyring",
  password: "",
  passwordEnv: "",
};

/** A stored PostgreSQL source as its form starts from it (the password field blank). */
export function formOf(source: DataSource): SourceForm {
  const { config } = source;
  if (config.kind !== "postgres") return { ...blankSourceForm, sourceId: source.source_id, name: source.name };
  return {
    sourceId: source.source_id,
    name: source.name,
    host: config.host,
    port: String(config.port),
    database: config.database,
    user: config.user,
    sslmode: config.sslmode,
    sslRootCert: config.ssl_root_cert ?? "",
    searchPath: config.search_path ?? "",
    poolSize: String(config.pool_size),
    statementTimeoutMs: config.statement_timeout_ms === undefined ? "" : String(config.statement_timeout_ms),
    reuseFor: config.reuse_for ?? "",
    passwordFrom: config.password_env === undefined ? "keyring" : "env",
    password: "",
    passwordEnv: config.password_env ?? "",
  };
}

/** Which field a problem is about, so the form can show it there. */
export type SourceField = "name" | "host" | "port" | "database" | "user" | "poolSize" | "statementTimeoutMs" | "reuseFor" | "passwordEnv";

export type SourceProblem = { readonly field: SourceField; readonly message: string };

const REUSE_FOR = /^\d+[smhd]$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `text` as a whole number in `min..=max`, or null. */
function wholeNumber(text: string, min: number, max: number): number | null {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return null;
  const value = Number(trimmed);
  return value >= min && value <= max ? value : null;
}

/** Every reason the form cannot be saved or tested yet, in the form's order. */
export function sourceFormProblems(form: SourceForm): SourceProblem[] {
  const problems: SourceProblem[] = [];
  const required = (field: SourceField, value: string, what: string) => {
    if (value.trim() === "") problems.push({ field, message: `${what} is required.` });
  };
  required("name", form.name, "A name");
  required("host", form.host, "The host");
  if (wholeNumber(form.port, 1, 65535) === null) problems.push({ field: "port", message: "The port is a whole number from 1 to 65535." });
  required("database", form.database, "The database");
  required("user", form.user, "The user");
  if (wholeNumber(form.poolSize, 1, 1000) === null) problems.push({ field: "poolSize", message: "The pool size is a whole number from 1 to 1000." });
  if (form.statementTimeoutMs.trim() !== "" && wholeNumber(form.statementTimeoutMs, 1, 4_294_967_295) === null) {
    problems.push({ field: "statementTimeoutMs", message: "The statement timeout is a whole number of milliseconds, or blank for none." });
  }
  if (form.reuseFor.trim() !== "" && !REUSE_FOR.test(form.reuseFor.trim())) {
    problems.push({ field: "reuseFor", message: "Reuse results for a number and a unit: s, m, h or d (e.g. 10m), or blank for never." });
  }
  if (form.passwordFrom === "env" && !ENV_NAME.test(form.passwordEnv.trim())) {
    problems.push({ field: "passwordEnv", message: "The environment variable is a name such as PGPASSWORD_SALES." });
  }
  return problems;
}

/** `src_` and the name's words in lowercase joined by `_`, with `_2`, `_3`, … while `taken` has it. */
export function sourceIdFor(name: string, taken: ReadonlySet<string>): string {
  const words = name
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .join("_");
  const base = `src_${words === "" ? "source" : words}`;
  let id = base;
  for (let n = 2; taken.has(id) || id === LOCAL_SOURCE; n++) id = `${base}_${n}`;
  return id;
}

export type BuiltSource = { readonly ok: true; readonly source: SourceInput } | { readonly ok: false; readonly problems: readonly SourceProblem[] };

/** The form as the source Rust takes (with `sourceId`), or every reason it cannot be yet. */
export function sourceOf(form: SourceForm, sourceId: string): BuiltSource {
  const problems = sourceFormProblems(form);
  if (problems.length > 0) return { ok: false, problems };
  const searchPath = form.searchPath.trim();
  const rootCert = form.sslRootCert.trim();
  const timeout = form.statementTimeoutMs.trim();
  const reuseFor = form.reuseFor.trim();
  return {
    ok: true,
    source: {
      source_id: sourceId,
      name: form.name.trim(),
      config: {
        kind: "postgres",
        host: form.host.trim(),
        port: Number(form.port.trim()),
        database: form.database.trim(),
        user: form.user.trim(),
        sslmode: form.sslmode,
        ssl_root_cert: verifies(form.sslmode) && rootCert !== "" ? rootCert : null,
        search_path: searchPath === "" ? null : searchPath,
        pool_size: Number(form.poolSize.trim()),
        statement_timeout_ms: timeout === "" ? null : Number(timeout),
        password_env: form.passwordFrom === "env" ? form.passwordEnv.trim() : null,
        reuse_for: reuseFor === "" ? null : reuseFor,
      },
    },
  };
}

/** The password to hand Rust with the source: the one typed for the keyring, else none. */
export function passwordOf(form: SourceForm): string | null {
  return form.passwordFrom === "keyring" && form.password !== "" ? form.password : null;
}

/** Where a source is, in one line: `user@host:port/database`, or the workspace's own files. */
export function whereOf(source: DataSource): string {
  const { config } = source;
  if (config.kind === "local") return "This workspace's data files and data tables";
  return `${config.user}@${config.host}:${config.port}/${config.database}`;
}

/** What kind of source it is, in words. */
export function kindLabel(source: DataSource): string {
  return source.config.kind === "local" ? "Built in" : "PostgreSQL";
}

/** The sources as listed: `src_local` first, then by name. */
export function sortSources(sources: readonly SourceDetail[]): SourceDetail[] {
  return [...sources].sort((a, b) => {
    const local = Number(b.source.source_id === LOCAL_SOURCE) - Number(a.source.source_id === LOCAL_SOURCE);
    return local || a.source.name.localeCompare(b.source.name) || a.source.source_id.localeCompare(b.source.source_id);
  });
}

/** The source a template runs on (`src_local` unless it names another). */
export function sourceOfTemplate(template: { readonly source_id?: string }): string {
  return template.source_id ?? LOCAL_SOURCE;
}

/**
 * The badge a canvas node shows for the source its template runs on: none on `src_local`;
 * the source's name, or its id while the workspace does not have it (validation says so).
 */
export function sourceBadge(sourceId: string | undefined, sources: readonly SourceDetail[]): string | null {
  if (sourceId === undefined || sourceId === LOCAL_SOURCE) return null;
  return sources.find((s) => s.source.source_id === sourceId)?.source.name ?? sourceId;
}

/** A source's name as the user gave it; "This computer" for `src_local`, the id while the list does not have it. */
export function sourceName(sourceId: string, sources: readonly SourceDetail[]): string {
  const found = sources.find((s) => s.source.source_id === sourceId)?.source.name;
  return found ?? (sourceId === LOCAL_SOURCE ? "This computer" : sourceId);
}

/** The templates that run on `sourceId` (every one for ALL_SOURCES). */
export function filterBySource(templates: readonly TemplateDetail[], sourceId: string): TemplateDetail[] {
  if (sourceId === ALL_SOURCES) return [...templates];
  return templates.filter((t) => sourceOfTemplate(t.template) === sourceId);
}

/** Why a source cannot be deleted now, or null when it can. */
export function cannotDelete(detail: SourceDetail): string | null {
  if (detail.source.source_id === LOCAL_SOURCE) return "The workspace's own engine cannot be deleted.";
  if (detail.template_count === 0) return null;
  const templates = detail.template_count === 1 ? "1 template runs" : `${detail.template_count} templates run`;
  return `${templates} on it: point them at another source first.`;
}
