// The template editor's parts that speak of its source, as they render (server-side, no DOM
// needed) for given store states: the Tables panel naming the source and each table's kind,
// and the output columns' "Columns from <source>" button with what came of it.
import { renderToStaticMarkup } from "react-dom/server";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { TableShape } from "../../api";
import { createAppStore, type AppState, type AppStore } from "../../store";
import { fakeApi } from "../../testing/fakeBackend";
import { OutputColumnsEditor } from "./OutputColumnsEditor";
import { ReadableTables, tableOrigin } from "./ReadableTables";

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

beforeEach(() => {
  shown.store = createAppStore(fakeApi().api);
});

/** The attributes of the element with `testId` in `html`, in a row (several: the rows'). */
function tagsWith(html: string, testId: string): string[] {
  return [...html.matchAll(new RegExp(`<[^>]*data-testid="${testId}"[^>]*>`, "g"))].map((m) => m[0]);
}

const postgresTables: TableShape[] = [
  { name: "orders", kind: "table", file: null, columns: [{ name: "sales", type: "decimal(12,2)" }], missing: null, problem: null },
  { name: "reporting.spend", kind: "view", file: null, columns: [{ name: "spend", type: "decimal" }], missing: null, problem: null },
];

describe("the tables beside the SQL", () => {
  it("name the source and each table's kind, as the SQL writes the table", () => {
    const html = renderToStaticMarkup(
      <ReadableTables tables={{ status: "ready", data: postgresTables }} sourceName="Sales warehouse" local={false} onRefresh={() => undefined} />,
    );
    expect(html).toContain("on Sales warehouse");
    expect(tagsWith(html, "readable-table").map((tag) => [/data-table="([^"]+)"/.exec(tag)?.[1], /data-kind="([^"]+)"/.exec(tag)?.[1]])).toEqual([
      ["orders", "table"],
      ["reporting.spend", "view"],
    ]);
    expect(html).toContain('<span class="readable-tables__source">view</span>');
    expect(tagsWith(html, "readable-column")[0]).toContain('data-type="decimal(12,2)"');
  });

  it("say what an empty list means on each kind of source", () => {
    const empty = { status: "ready" as const, data: [] };
    expect(renderToStaticMarkup(<ReadableTables tables={empty} sourceName="This computer" local onRefresh={() => undefined} />)).toContain(
      "No data files or data tables yet.",
    );
    expect(renderToStaticMarkup(<ReadableTables tables={empty} sourceName="Sales warehouse" local={false} onRefresh={() => undefined} />)).toContain(
      "No tables or views on its search path",
    );
  });

  it("tell a data file by its file and a data table by its kind", () => {
    expect(tableOrigin({ name: "ads", kind: "data_file", file: "ads.csv", columns: [], missing: [], problem: null })).toBe("ads.csv");
    expect(tableOrigin({ name: "customers", kind: "data_table", file: null, columns: [], missing: null, problem: null })).toBe("data table");
  });
});

describe("the output columns' source button", () => {
  it("names the source, and says what came of asking it", () => {
    const idle = renderToStaticMarkup(
      <OutputColumnsEditor outputs={[]} testRun={{ status: "idle" }} describe={{ status: "idle" }} sourceName="Sales warehouse" onChange={() => undefined} />,
    );
    const [button] = tagsWith(idle, "describe-output-columns");
    expect(button).not.toContain("disabled");
    expect(idle).toContain("Columns from Sales warehouse");
    // The test run's button waits for a test run, as before.
    expect(tagsWith(idle, "infer-output-columns")[0]).toContain("disabled");

    const error = { code: "source_unavailable" as const, message: "PostgreSQL server db.internal:5432: cannot connect: connection refused" };
    const failed = renderToStaticMarkup(
      <OutputColumnsEditor outputs={[]} testRun={{ status: "idle" }} describe={{ status: "failed", error }} sourceName="Sales warehouse" onChange={() => undefined} />,
    );
    expect(tagsWith(failed, "describe-error")[0]).toContain('data-error-code="source_unavailable"');
    expect(failed).toContain("Could not get the columns from Sales warehouse: PostgreSQL server db.internal:5432: cannot connect");

    const done = renderToStaticMarkup(
      <OutputColumnsEditor outputs={[]} testRun={{ status: "idle" }} describe={{ status: "done", count: 3 }} sourceName="Sales warehouse" onChange={() => undefined} />,
    );
    expect(done).toContain("3 columns from Sales warehouse, nothing run.");

    const asking = renderToStaticMarkup(
      <OutputColumnsEditor outputs={[]} testRun={{ status: "idle" }} describe={{ status: "describing" }} sourceName="Sales warehouse" onChange={() => undefined} />,
    );
    expect(tagsWith(asking, "describe-output-columns")[0]).toContain("disabled");
    expect(asking).toContain("Asking Sales warehouse…");
  });
});
