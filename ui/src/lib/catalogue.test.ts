// Which version of its template a node runs, whether a newer one waits, and what changed.
import { describe, expect, it } from "vitest";
import type { FlowNode, Template } from "../api";
import { template } from "../testing/fixtures";
import {
  buildCatalogue,
  describeTemplateChanges,
  mergePinned,
  nodeTemplate,
  nodeVersion,
  pinnedFor,
  templateUpdate,
} from "./catalogue";

// Version 1 of the trend template took campaign ids; version 3 (now) also takes a start date.
const v1: Template = {
  ...template("tpl_daily_trend", "Daily trend", [{ name: "campaign_ids", type: "string", list: true, required: true }]).template,
  sql: "SELECT day FROM trend WHERE campaign_id IN (:campaign_ids)",
  output_columns: [
    { name: "day", type: "date" },
    { name: "clicks", type: "integer" },
  ],
  version: 1,
};
const v3: Template = {
  ...v1,
  name: "Daily campaign performance",
  sql: "SELECT day, spend FROM trend WHERE campaign_id IN (:campaign_ids) AND day >= :start_date",
  parameters: [...v1.parameters, { name: "start_date", type: "date", required: true }],
  output_columns: [
    { name: "day", type: "date" },
    { name: "spend", type: "decimal" },
  ],
  version: 3,
};
const catalogue = buildCatalogue([{ template: v3, usage_count: 2, is_active: true }], [v1]);

function node(version: number | undefined, declined?: number): Pick<FlowNode, "template_id" | "template_version" | "node_config"> {
  return {
    template_id: "tpl_daily_trend",
    ...(version === undefined ? {} : { template_version: version }),
    node_config: declined === undefined ? {} : { declined_template_version: declined },
  };
}

describe("nodeTemplate", () => {
  it("gives a node pinned to an earlier version that version", () => {
    expect(nodeTemplate(catalogue, node(1))).toBe(v1);
  });

  it("gives the current template to a node on it, with no version, or on a version the UI does not have", () => {
    expect(nodeTemplate(catalogue, node(3))).toBe(v3);
    expect(nodeTemplate(catalogue, node(undefined))).toBe(v3);
    expect(nodeTemplate(catalogue, node(2))).toBe(v3);
    expect(nodeTemplate(catalogue, node(9))).toBe(v3);
  });

  it("gives nothing for a template the workspace does not have", () => {
    expect(nodeTemplate(catalogue, { template_id: "tpl_gone", template_version: 1 })).toBeUndefined();
  });

  it("keeps several earlier versions of one template apart", () => {
    const v2 = { ...v1, name: "Trend v2", version: 2 };
    const both = buildCatalogue([{ template: v3, usage_count: 0, is_active: true }], [v1, v2]);
    expect(nodeTemplate(both, node(1))).toBe(v1);
    expect(nodeTemplate(both, node(2))).toBe(v2);
  });
});

describe("nodeVersion", () => {
  it("is the node's own version, else its template's current one", () => {
    expect(nodeVersion(catalogue, node(1))).toBe(1);
    expect(nodeVersion(catalogue, node(undefined))).toBe(3);
    expect(nodeVersion(catalogue, { template_id: "tpl_gone" })).toBeUndefined();
  });
});

describe("templateUpdate", () => {
  it("offers the current version to a node on an older one", () => {
    expect(templateUpdate(catalogue, node(1))).toEqual({ from: 1, to: 3, declined: false });
  });

  it("offers nothing to a node on the current version, with no version, or ahead of it", () => {
    expect(templateUpdate(catalogue, node(3))).toBeNull();
    expect(templateUpdate(catalogue, node(undefined))).toBeNull();
    expect(templateUpdate(catalogue, node(4))).toBeNull();
    expect(templateUpdate(catalogue, { ...node(1), template_id: "tpl_gone" })).toBeNull();
  });

  it("marks the current version declined, but not an earlier declined one", () => {
    expect(templateUpdate(catalogue, node(1, 3))).toEqual({ from: 1, to: 3, declined: true });
    expect(templateUpdate(catalogue, node(1, 2))).toEqual({ from: 1, to: 3, declined: false });
  });
});

describe("describeTemplateChanges", () => {
  it("names the SQL, parameters and output columns that changed", () => {
    expect(describeTemplateChanges(v1, v3)).toEqual([
      "SQL changed",
      "Parameters added: start_date",
      "Output columns added: spend",
      "Output columns removed: clicks",
    ]);
    expect(describeTemplateChanges(v3, v1)).toEqual([
      "SQL changed",
      "Parameters removed: start_date",
      "Output columns added: clicks",
      "Output columns removed: spend",
    ]);
  });

  it("names parameters and columns whose type changed", () => {
    const retyped: Template = {
      ...v1,
      parameters: [{ name: "campaign_ids", type: "integer", list: true, required: true }],
      output_columns: [
        { name: "day", type: "string" },
        { name: "clicks", type: "integer" },
      ],
    };
    expect(describeTemplateChanges(v1, retyped)).toEqual(["Parameters changed: campaign_ids", "Output columns retyped: day"]);
  });

  it("is empty when only the name or description changed", () => {
    expect(describeTemplateChanges(v1, { ...v1, name: "Renamed", description: "Other words", version: 2 })).toEqual([]);
  });

  it("counts columns declared from nothing as added", () => {
    expect(describeTemplateChanges({ ...v1, output_columns: undefined }, v1)).toEqual(["Output columns added: day, clicks"]);
  });
});

describe("copying pinned versions between flows", () => {
  const other = { ...v1, template_id: "tpl_other" };

  it("keeps the earlier versions the copied nodes are on", () => {
    expect(pinnedFor([node(1), node(3)], [v1, other])).toEqual([v1]);
    expect(pinnedFor([node(undefined)], [v1])).toEqual([]);
  });

  it("adds only the versions a flow lacks, and keeps its list when it has them all", () => {
    const pinned = [v1];
    expect(mergePinned(pinned, [v1])).toBe(pinned);
    expect(mergePinned(pinned, [other, v1])).toEqual([v1, other]);
  });
});
