// Edge labels as the user reads them on the canvas.
import { describe, expect, it } from "vitest";
import { connectionMappings, formatMapping, mappingLabel } from "./mapping";

describe("mapping labels", () => {
  it("reads source column → target parameter (rule)", () => {
    const connection = {
      field_mappings: { campaign_ids: "campaign_id" },
      transformation_rules: { campaign_ids: "distinct_list" },
    };
    expect(mappingLabel(connection)).toBe("campaign_id → campaign_ids (distinct_list)");
  });

  it("leaves the rule out when the value passes as is", () => {
    expect(formatMapping({ sourceColumn: "day", targetParam: "start_date", rule: null })).toBe("day → start_date");
  });

  it("joins several mappings in target-parameter order", () => {
    const connection = {
      field_mappings: { start_date: "first_day", campaign_ids: "campaign_id" },
      transformation_rules: { start_date: "cast:date", campaign_ids: "distinct_list" },
    };
    expect(connectionMappings(connection).map((m) => m.targetParam)).toEqual(["campaign_ids", "start_date"]);
    expect(mappingLabel(connection)).toBe(
      "campaign_id → campaign_ids (distinct_list), first_day → start_date (cast:date)",
    );
  });

  it("ignores a rule for a parameter that nothing maps into", () => {
    const connection = { field_mappings: {}, transformation_rules: { orphan: "first" } };
    expect(mappingLabel(connection)).toBe("");
  });
});
