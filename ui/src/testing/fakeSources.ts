// The data-source part of the fake backend: `src_local` and one PostgreSQL source a template
// runs on; it records the sources added, changed and tested with the password sent beside
// each, refuses to remove a source templates run on (as Rust does, naming them), and cannot
// reach a host named `unreachable`.
import type { Outcome, SourceCheck, SourceDetail, SourceInput } from "../api";
import type { Api } from "../store/access";

const ok = <T,>(data: T): Outcome<T> => ({ status: "ok", data });

export const localSource: SourceDetail = {
  source: { source_id: "src_local", name: "This computer", config: { kind: "local" } },
  template_count: 5,
  created_at: "2026-12-01T09:00:00Z",
  updated_at: "2026-12-01T09:00:00Z",
};

export const salesSource: SourceDetail = {
  source: {
    source_id: "src_sales",
    name: "Sales warehouse",
    config: { kind: "postgres", host: "db.internal", port: 5432, database: "sales", user: "analyst", sslmode: "prefer", pool_size: 4, reuse_for: "10m" },
  },
  template_count: 1,
  created_at: "2026-12-02T09:00:00Z",
  updated_at: "2026-12-02T09:00:00Z",
};

/** A source as Rust would send it back: `null` options left out, as serde skips them. */
function stored(source: SourceInput, template_count: number): SourceDetail {
  const config =
    source.config.kind === "local"
      ? source.config
      : (Object.fromEntries(Object.entries(source.config).filter(([, v]) => v !== null)) as SourceDetail["source"]["config"]);
  return { source: { ...source, config }, template_count, created_at: "2026-12-07T09:00:00Z", updated_at: "2026-12-07T09:00:00Z" };
}

/** The source commands of the fake backend; `calls` records each with the password sent. */
export function fakeSourceApi() {
  let sources: SourceDetail[] = [salesSource, localSource];
  const calls: { readonly command: string; readonly source: SourceInput | string; readonly password: string | null }[] = [];
  const api: Pick<Api, "listSources" | "addSource" | "updateSource" | "removeSource" | "testSource"> = {
    listSources: () => Promise.resolve(ok(sources.map((s) => ({ ...s })))),
    addSource: (source, password) => {
      calls.push({ command: "add", source, password });
      if (sources.some((s) => s.source.source_id === source.source_id)) {
        return Promise.resolve({ status: "error", error: { code: "conflict", message: `data source \`${source.source_id}\` exists` } });
      }
      const detail = stored(source, 0);
      sources = [...sources, detail];
      return Promise.resolve(ok(detail));
    },
    updateSource: (source, password) => {
      calls.push({ command: "update", source, password });
      const old = sources.find((s) => s.source.source_id === source.source_id);
      if (old === undefined) return Promise.resolve({ status: "error", error: { code: "not_found", message: `no data source ${source.source_id}` } });
      const detail = stored(source, old.template_count);
      sources = sources.map((s) => (s === old ? detail : s));
      return Promise.resolve(ok(detail));
    },
    removeSource: (id) => {
      calls.push({ command: "remove", source: id, password: null });
      const old = sources.find((s) => s.source.source_id === id);
      if (old !== undefined && old.template_count > 0) {
        return Promise.resolve({
          status: "error",
          error: { code: "constraint", message: `data source \`${id}\` is used by templates tpl_top_sales`, details: { kind: "constraint", constraint: "source_in_use" } },
        });
      }
      sources = sources.filter((s) => s !== old);
      return Promise.resolve(ok(null));
    },
    testSource: (source, password) => {
      calls.push({ command: "test", source, password });
      if (source.config.kind === "postgres" && source.config.host === "unreachable") {
        const { host, port, user } = source.config;
        return Promise.resolve({
          status: "error",
          error: { code: "source_unavailable", message: `could not connect to ${host}:${port ?? 5432} as ${user}: connection refused` },
        });
      }
      const check: SourceCheck = { version: "PostgreSQL 16.4", latency_ms: 1.25 };
      return Promise.resolve(ok(check));
    },
  };
  return { api, calls };
}
