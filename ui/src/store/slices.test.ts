// The store's shape, checked on its files: every slice beside `index.ts` is made with
// `access.ts` and other slices' types, and none imports the store that composes it back
// (eslint's no-restricted-imports says the same while editing; this says it in `npm test`).
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const dir = import.meta.dirname;
const slices = readdirSync(dir).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && f !== "index.ts");

/** The store itself, however a file beside it or above it names it. */
const STORE = /^\.\/?$|^\.\/index(\.ts)?$|(^|\/)store(\/index(\.ts)?)?$/;

/** Every module a file imports, as written. */
function imports(file: string): string[] {
  const text = readFileSync(join(dir, file), "utf8");
  return [...text.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)"/gms)].map((m) => m[1] ?? "");
}

describe("the store's slices", () => {
  it("finds the slices", () => {
    expect(slices).toEqual(expect.arrayContaining(["access.ts", "flow.ts", "runs.ts", "tables.ts", "tableRows.ts"]));
  });

  it.each(slices)("%s does not import the store that composes it", (file) => {
    const back = imports(file).filter((from) => STORE.test(from));
    expect(back).toEqual([]);
  });

  it("recognises an import of the store when it sees one", () => {
    expect(["./index", ".", "../store", "./index.ts"].every((from) => STORE.test(from))).toBe(true);
    expect(["./access", "./flow", "../lib/loadable"].some((from) => STORE.test(from))).toBe(false);
  });
});
