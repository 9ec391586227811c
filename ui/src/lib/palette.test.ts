import { describe, expect, it } from "vitest";
import { template, templates } from "../testing/fixtures";
import { matchTemplates } from "./palette";

const names = (query: string, list = templates) => matchTemplates(list, query).map((t) => t.template.name);

describe("matchTemplates", () => {
  it("lists every active template by name when the query is empty", () => {
    expect(names("")).toEqual(["Daily campaign performance", "Products sold by campaigns", "Top campaigns by spend"]);
  });

  it("keeps templates holding every word, in any field, names starting with the query first", () => {
    expect(names("campaign")).toEqual(["Daily campaign performance", "Products sold by campaigns", "Top campaigns by spend"]);
    expect(names("products campaigns")).toEqual(["Products sold by campaigns"]);
    expect(names("top")).toEqual(["Top campaigns by spend"]);
    expect(names("nothing like this")).toEqual([]);
  });

  it("never offers an inactive template", () => {
    const retired = template("tpl_old", "Old campaign report", [], false);
    expect(names("campaign report", [...templates, retired])).toEqual([]);
    expect(names("campaign report", [...templates, { ...retired, is_active: true }])).toEqual(["Old campaign report"]);
  });
});
