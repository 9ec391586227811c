// The Data sources screen's actions (store/sources.ts) against the in-memory backend: listing,
// adding and editing a PostgreSQL source with its password sent once beside it (never in the
// source, never kept in the store), testing a connection without saving, deleting and the
// refusal while templates run on a source.
import { describe, expect, it } from "vitest";
import { createAppStore, type Api } from "./index";
import { fakeApi } from "../testing/fakeBackend";
import { localSource, salesSource } from "../testing/fakeSources";
import { blankSourceForm, formOf, type SourceForm } from "../lib/sources";

function sourcesStore(overrides: Partial<Api> = {}) {
  const backend = fakeApi(overrides);
  const store = createAppStore(backend.api);
  return { store, backend, actions: store.getState().actions, sources: () => store.getState().sources };
}

const form: SourceForm = { ...blankSourceForm, name: "Marketing DB", host: "pg.local", database: "marketing", user: "ana", password: "hunter2" };

describe("the data sources screen", () => {
  it("opens on its screen with the sources listed", async () => {
    const { store, actions, sources } = sourcesStore();
    await actions.openSources();
    expect(store.getState().route).toEqual({ screen: "sources" });
    expect(sources().list).toEqual({ status: "ready", data: [salesSource, localSource] });
  });

  it("says why the sources could not be listed", async () => {
    const error = { code: "internal" as const, message: "no database" };
    const { actions, sources } = sourcesStore({ listSources: () => Promise.resolve({ status: "error", error }) });
    await actions.openSources();
    expect(sources().list).toEqual({ status: "failed", error });
  });
});

describe("adding and editing a source", () => {
  it("adds a source under an id made from its name, the password beside it, and shows it saved", async () => {
    const { store, backend, actions, sources } = sourcesStore();
    await actions.openSources();
    actions.startNewSource();
    await actions.saveSource(form);
    expect(backend.sourceCalls).toHaveLength(1);
    const [call] = backend.sourceCalls;
    expect(call).toMatchObject({ command: "add", password: "hunter2", source: { source_id: "src_marketing_db", name: "Marketing DB" } });
    expect(JSON.stringify(call?.source)).not.toContain("hunter2");
    expect(sources().save).toEqual({ status: "saved" });
    expect(sources().editor).toMatchObject({ kind: "edit", source: { source: { source_id: "src_marketing_db" } } });
    const listed = sources().list;
    expect(listed.status === "ready" && listed.data.map((s) => s.source.source_id)).toContain("src_marketing_db");
    expect(JSON.stringify(store.getState())).not.toContain("hunter2");
  });

  it("changes a stored source under its own id, sending no password when none is typed", async () => {
    const { backend, actions, sources } = sourcesStore();
    await actions.openSources();
    actions.editSource("src_sales");
    const before = sources().editor?.revision;
    await actions.saveSource({ ...formOf(salesSource.source), name: "Sales (EU)", reuseFor: "" });
    expect(backend.sourceCalls[0]).toMatchObject({ command: "update", password: null, source: { source_id: "src_sales", name: "Sales (EU)" } });
    expect(backend.sourceCalls[0]?.source).toMatchObject({ config: { reuse_for: null } });
    expect(sources().editor?.revision).not.toBe(before);
  });

  it("sends nothing while the form has problems, and says which", async () => {
    const { backend, actions, sources } = sourcesStore();
    await actions.openSources();
    actions.startNewSource();
    await actions.saveSource({ ...form, port: "70000", reuseFor: "soon" });
    expect(backend.sourceCalls).toEqual([]);
    const { save } = sources();
    expect(save.status === "invalid" && save.problems.map((p) => p.field)).toEqual(["port", "reuseFor"]);
  });

  it("keeps the form open with Rust's refusal", async () => {
    const { actions, sources } = sourcesStore();
    await actions.openSources();
    actions.startNewSource();
    await actions.saveSource({ ...form, name: "Sales" });
    // src_sales is taken: the id made is src_sales_2, which the backend takes.
    expect(sources().save).toEqual({ status: "saved" });
    const error = { code: "conflict" as const, message: "taken" };
    const refusing = sourcesStore({ addSource: () => Promise.resolve({ status: "error", error }) });
    await refusing.actions.openSources();
    refusing.actions.startNewSource();
    await refusing.actions.saveSource(form);
    expect(refusing.sources().save).toEqual({ status: "failed", error });
    expect(refusing.sources().editor).toMatchObject({ kind: "new" });
  });
});

describe("testing a connection", () => {
  it("shows the server's version and latency without saving", async () => {
    const { backend, actions, sources } = sourcesStore();
    await actions.openSources();
    actions.startNewSource();
    await actions.testSource(form);
    expect(sources().test).toEqual({ status: "ready", check: { version: "PostgreSQL 16.4", latency_ms: 1.25 } });
    expect(backend.sourceCalls.map((c) => c.command)).toEqual(["test"]);
    expect(backend.sourceCalls[0]?.password).toBe("hunter2");
    const listed = sources().list;
    expect(listed.status === "ready" && listed.data).toHaveLength(2);
  });

  it("shows why the server could not be reached", async () => {
    const { actions, sources } = sourcesStore();
    await actions.openSources();
    actions.startNewSource();
    await actions.testSource({ ...form, host: "unreachable" });
    const { test } = sources();
    expect(test.status === "failed" && test.error.code).toBe("source_unavailable");
    expect(test.status === "failed" && test.error.message).toContain("unreachable:5432 as ana");
  });

  it("drops an answer for a form closed since", async () => {
    const { actions, sources } = sourcesStore();
    await actions.openSources();
    actions.startNewSource();
    const testing = actions.testSource(form);
    actions.closeSourceEditor();
    await testing;
    expect(sources().test).toEqual({ status: "idle" });
  });
});

describe("deleting a source", () => {
  it("deletes a source no template runs on", async () => {
    const { actions, sources } = sourcesStore();
    await actions.openSources();
    actions.startNewSource();
    await actions.saveSource(form);
    await actions.removeSource("src_marketing_db");
    const listed = sources().list;
    expect(listed.status === "ready" && listed.data.map((s) => s.source.source_id)).toEqual(["src_sales", "src_local"]);
    expect(sources().editor).toBeNull();
  });

  it("shows Rust's refusal while a template runs on it", async () => {
    const { store, actions } = sourcesStore();
    await actions.openSources();
    await actions.removeSource("src_sales");
    const { notice } = store.getState();
    expect(notice?.code).toBe("constraint");
    expect(notice?.message).toContain("tpl_top_sales");
  });
});
