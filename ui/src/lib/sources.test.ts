// The Data sources screen's pure logic: the form and the source Rust takes, both ways, and
// what the form refuses; where a source is; the canvas badge and the palette's filter.
import { describe, expect, it } from "vitest";
import type { SourceDetail, TemplateDetail } from "../api";
import { localSource, salesSource } from "../testing/fakeSources";
import {
  ALL_SOURCES,
  blankSourceForm,
  cannotDelete,
  filterBySource,
  formOf,
  passwordOf,
  sortSources,
  sourceBadge,
  sourceFormProblems,
  sourceIdFor,
  sourceName,
  sourceOf,
  whereOf,
  type SourceForm,
} from "./sources";

const filled: SourceForm = { ...blankSourceForm, name: "Sales warehouse", host: "db.internal", database: "sales", user: "analyst" };

function fieldsWithProblems(form: SourceForm): string[] {
  return sourceFormProblems(form).map((p) => p.field);
}

describe("the source form", () => {
  it("reads a stored source and gives it back unchanged", () => {
    const form = formOf(salesSource.source);
    expect(form).toMatchObject({ host: "db.internal", port: "5432", sslmode: "prefer", poolSize: "4", reuseFor: "10m", password: "" });
    const built = sourceOf(form, "src_sales");
    expect(built.ok && built.source).toEqual({
      ...salesSource.source,
      config: { ...salesSource.source.config, ssl_root_cert: null, search_path: null, statement_timeout_ms: null, password_env: null },
    });
  });

  it("keeps a root certificate only for the modes that check the server's certificate", () => {
    const withRoot = { ...filled, sslRootCert: " /etc/ssl/company-ca.pem " };
    const config = (form: SourceForm) => {
      const built = sourceOf(form, "src_sales");
      return built.ok && built.source.config.kind === "postgres" ? built.source.config.ssl_root_cert : "not built";
    };
    expect(config({ ...withRoot, sslmode: "verify-full" })).toBe("/etc/ssl/company-ca.pem");
    expect(config({ ...withRoot, sslmode: "verify-ca" })).toBe("/etc/ssl/company-ca.pem");
    expect(config({ ...withRoot, sslmode: "require" })).toBeNull();
    expect(config({ ...filled, sslmode: "verify-full" })).toBeNull();
  });

  it("builds every optional setting as typed, trimmed, and blanks as none", () => {
    const form: SourceForm = {
      ...filled,
      name: "  Sales  ",
      port: " 6432 ",
      sslmode: "require",
      searchPath: " analytics, public ",
      poolSize: "8",
      statementTimeoutMs: "30000",
      reuseFor: " 2h ",
      passwordFrom: "env",
      passwordEnv: "PG_SALES",
    };
    const built = sourceOf(form, "src_sales");
    expect(built.ok && built.source).toEqual({
      source_id: "src_sales",
      name: "Sales",
      config: {
        kind: "postgres",
        host: "db.internal",
        port: 6432,
        database: "sales",
        user: "analyst",
        sslmode: "require",
        ssl_root_cert: null,
        search_path: "analytics, public",
        pool_size: 8,
        statement_timeout_ms: 30000,
        password_env: "PG_SALES",
        reuse_for: "2h",
      },
    });
  });

  it("never puts the password in the source, and sends it only when typed for the keyring", () => {
    const typed = { ...filled, password: "s3cret!" };
    const built = sourceOf(typed, "src_sales");
    expect(JSON.stringify(built)).not.toContain("s3cret!");
    expect(passwordOf(typed)).toBe("s3cret!");
    expect(passwordOf(filled)).toBeNull();
    expect(passwordOf({ ...typed, passwordFrom: "env", passwordEnv: "PG_SALES" })).toBeNull();
  });

  it("needs a name, a host, a database and a user", () => {
    expect(fieldsWithProblems(filled)).toEqual([]);
    expect(fieldsWithProblems({ ...filled, name: " ", host: "", database: "", user: "  " })).toEqual(["name", "host", "database", "user"]);
  });

  it.each([
    ["0", false],
    ["1", true],
    ["5432", true],
    ["65535", true],
    ["65536", false],
    ["-1", false],
    ["54a", false],
    ["", false],
    ["5432.5", false],
  ])("takes port %j: %s", (port, good) => {
    expect(fieldsWithProblems({ ...filled, port }).includes("port")).toBe(!good);
  });

  it.each([
    ["", true],
    ["10m", true],
    ["30s", true],
    ["2h", true],
    ["1d", true],
    ["10", false],
    ["m", false],
    ["3w", false],
    ["10 m", false],
    ["1.5h", false],
  ])("takes reuse_for %j: %s", (reuseFor, good) => {
    expect(fieldsWithProblems({ ...filled, reuseFor }).includes("reuseFor")).toBe(!good);
  });

  it("refuses a pool size or a timeout that is not a whole number, and an env name that is not one", () => {
    expect(fieldsWithProblems({ ...filled, poolSize: "0", statementTimeoutMs: "soon" })).toEqual(["poolSize", "statementTimeoutMs"]);
    expect(fieldsWithProblems({ ...filled, passwordFrom: "env", passwordEnv: "" })).toEqual(["passwordEnv"]);
    expect(fieldsWithProblems({ ...filled, passwordFrom: "env", passwordEnv: "PG PASS" })).toEqual(["passwordEnv"]);
    const refused = sourceOf({ ...filled, port: "99999" }, "src_x");
    expect(refused).toEqual({ ok: false, problems: [{ field: "port", message: "The port is a whole number from 1 to 65535." }] });
  });

  it("makes a new source's id from its name, never src_local or one taken", () => {
    expect(sourceIdFor("Sales Warehouse (EU)", new Set())).toBe("src_sales_warehouse_eu");
    expect(sourceIdFor("Sales", new Set(["src_sales"]))).toBe("src_sales_2");
    expect(sourceIdFor("Local", new Set())).toBe("src_local_2");
    expect(sourceIdFor("!!!", new Set())).toBe("src_source");
  });
});

describe("sources as listed", () => {
  it("says where a source is without a password", () => {
    expect(whereOf(salesSource.source)).toBe("analyst@db.internal:5432/sales");
    expect(whereOf(localSource.source)).toContain("data files");
  });

  it("puts src_local first, then the others by name", () => {
    const zed: SourceDetail = { ...salesSource, source: { ...salesSource.source, source_id: "src_zed", name: "Archive" } };
    expect(sortSources([salesSource, zed, localSource]).map((s) => s.source.source_id)).toEqual(["src_local", "src_zed", "src_sales"]);
  });

  it("can delete only a source no template runs on", () => {
    expect(cannotDelete(localSource)).not.toBeNull();
    expect(cannotDelete(salesSource)).toBe("1 template runs on it: point them at another source first.");
    expect(cannotDelete({ ...salesSource, template_count: 3 })).toContain("3 templates");
    expect(cannotDelete({ ...salesSource, template_count: 0 })).toBeNull();
  });
});

describe("the canvas badge and the palette filter", () => {
  const sources = [localSource, salesSource];

  it("badges a node only off src_local, with the source's name or, when missing, its id", () => {
    expect(sourceBadge(undefined, sources)).toBeNull();
    expect(sourceBadge("src_local", sources)).toBeNull();
    expect(sourceBadge("src_sales", sources)).toBe("Sales warehouse");
    expect(sourceBadge("src_gone", sources)).toBe("src_gone");
  });

  it("names a source as the user named it, This computer for src_local, else by its id", () => {
    expect(sourceName("src_sales", sources)).toBe("Sales warehouse");
    expect(sourceName("src_local", [])).toBe("This computer");
    expect(sourceName("src_gone", sources)).toBe("src_gone");
  });

  it("keeps the templates on the source chosen, all for All sources", () => {
    const detail = (id: string, source_id?: string): TemplateDetail => ({
      template: { template_id: id, name: id, description: "", category: "", tags: [], sql: "SELECT 1", parameters: [], version: 1, ...(source_id ? { source_id } : {}) },
      usage_count: 0,
      is_active: true,
    });
    const templates = [detail("tpl_a"), detail("tpl_b", "src_sales"), detail("tpl_c", "src_local")];
    const ids = (sourceId: string) => filterBySource(templates, sourceId).map((t) => t.template.template_id);
    expect(ids(ALL_SOURCES)).toEqual(["tpl_a", "tpl_b", "tpl_c"]);
    expect(ids("src_local")).toEqual(["tpl_a", "tpl_c"]);
    expect(ids("src_sales")).toEqual(["tpl_b"]);
    expect(ids("src_gone")).toEqual([]);
  });
});
