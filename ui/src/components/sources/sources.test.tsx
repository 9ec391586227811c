// The Data sources screen as it renders (server-side, no DOM needed) for given store states:
// the list's order and lines, Delete disabled with its reason, the password field, the result
// of Test connection, and the template editor's picker disabled for a data-table template.
// The components read a store made over the in-memory backend (a server render reads a zustand
// store's initial state, so the hooks are pointed at this one).
import { renderToStaticMarkup } from "react-dom/server";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { formOf } from "../../lib/sources";
import { createAppStore, type AppState, type AppStore } from "../../store";
import { initialSources, type SourcesState } from "../../store/sources";
import { fakeApi } from "../../testing/fakeBackend";
import { localSource, salesSource } from "../../testing/fakeSources";
import { SourceEditor } from "./SourceEditor";
import { SourceList } from "./SourceList";
import { SourcePicker } from "./SourcePicker";

const shown = vi.hoisted(() => ({ store: null as AppStore | null }));

vi.mock("../../store", async (importActual) => {
  const actual = await importActual<typeof import("../../store")>();
  const store = () => {
    if (shown.store === null) throw new Error("no store to render");
    return shown.store;
  };
  return {
    ...actual,
    useAppState: <T,>(select: (state: AppState) => T): T => select(store().getState()),
    useAppActions: () => store().getState().actions,
  };
});

const unused = { ...salesSource, source: { ...salesSource.source, source_id: "src_archive", name: "Archive" }, template_count: 0 };

function withSources(change: Partial<SourcesState>): void {
  shown.store?.setState({ sources: { ...initialSources, list: { status: "ready", data: [salesSource, unused, localSource] }, ...change } });
}

/** The attributes of the element with `testId` in `html`, in a row (several: the rows'). */
function tagsWith(html: string, testId: string): string[] {
  return [...html.matchAll(new RegExp(`<[^>]*data-testid="${testId}"[^>]*>`, "g"))].map((m) => m[0]);
}

beforeEach(() => {
  shown.store = createAppStore(fakeApi().api);
});

describe("the source list", () => {
  it("lists This computer first, then by name, each with its kind, where and template count", () => {
    withSources({});
    const html = renderToStaticMarkup(<SourceList />);
    expect(tagsWith(html, "source-row").map((tag) => /data-source-id="([^"]+)"/.exec(tag)?.[1])).toEqual(["src_local", "src_archive", "src_sales"]);
    expect(html).toContain("This computer");
    expect(html).toContain("analyst@db.internal:5432/sales");
    expect(html).toContain("PostgreSQL");
    expect(html).toContain("1 template<");
    expect(html).toContain("0 templates<");
  });

  it("disables Delete, saying why, while templates run on a source; offers none for src_local", () => {
    withSources({});
    const html = renderToStaticMarkup(<SourceList />);
    const deletes = tagsWith(html, "source-delete");
    expect(deletes).toHaveLength(2);
    const [archive, sales] = deletes;
    expect(archive).not.toContain("disabled");
    expect(sales).toContain("disabled");
    expect(tagsWith(html, "source-delete-why")[1]).toContain("1 template runs on it");
  });
});

describe("the source form", () => {
  const editing = { kind: "edit" as const, source: salesSource, revision: 1 };

  it("asks for the password in a blank password field, kept in the OS keyring", () => {
    withSources({ editor: editing });
    const html = renderToStaticMarkup(<SourceEditor editor={editing} />);
    const [password] = tagsWith(html, "source-password");
    expect(password).toContain('type="password"');
    expect(password).toContain('value=""');
    expect(html).toContain("kept in your OS keyring");
    expect(tagsWith(html, "source-host")[0]).toContain('value="db.internal"');
    expect(formOf(salesSource.source).password).toBe("");
  });

  it("shows the server's version and latency, or why it could not connect", () => {
    withSources({ editor: editing, test: { status: "ready", check: { version: "PostgreSQL 16.4", latency_ms: 1.25 } } });
    expect(renderToStaticMarkup(<SourceEditor editor={editing} />)).toContain("Connected: PostgreSQL 16.4, 1.3 ms");
    const error = { code: "source_unavailable" as const, message: "could not connect to db.internal:5432 as analyst" };
    withSources({ editor: editing, test: { status: "failed", error } });
    const html = renderToStaticMarkup(<SourceEditor editor={editing} />);
    expect(tagsWith(html, "source-check")[0]).toContain('data-error-code="source_unavailable"');
    expect(html).toContain("Could not connect: could not connect to db.internal:5432 as analyst");
  });

  it("shows each problem beside its field", () => {
    const problems = [{ field: "port" as const, message: "The port is a whole number from 1 to 65535." }];
    withSources({ editor: editing, save: { status: "invalid", problems } });
    const html = renderToStaticMarkup(<SourceEditor editor={editing} />);
    expect(tagsWith(html, "source-problem")).toEqual([expect.stringContaining('data-field="port"')]);
    expect(tagsWith(html, "source-port")[0]).toContain('aria-invalid="true"');
  });
});

describe("the template editor's source picker", () => {
  it("offers every source, This computer first, with the template's chosen", () => {
    withSources({});
    const html = renderToStaticMarkup(<SourcePicker sourceId="src_sales" dataTable={false} onChange={() => undefined} />);
    expect([...html.matchAll(/<option value="([^"]+)"/g)].map((m) => m[1])).toEqual(["src_local", "src_archive", "src_sales"]);
    expect(html).toMatch(/<option value="src_sales" selected="">/);
    expect(tagsWith(html, "template-source")[0]).not.toContain("disabled");
  });

  it("is disabled on src_local for a data-table template", () => {
    withSources({});
    const html = renderToStaticMarkup(<SourcePicker sourceId="src_sales" dataTable onChange={() => undefined} />);
    expect(tagsWith(html, "template-source")[0]).toContain("disabled");
    expect(html).toMatch(/<option value="src_local" selected="">/);
  });
});
