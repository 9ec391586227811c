import { describe, expect, it } from "vitest";
import type { FlowNode, Template } from "../api";
import { deepDive, template } from "../testing/fixtures";
import { nodeColumns } from "./connect";

describe("nodeColumns", () => {
  const perCampaign: Template = {
    ...template("tpl_each", "Spend of one campaign", [{ name: "campaign_ids", type: "string", list: true, required: true }]).template,
    output_columns: [
      { name: "campaign_id", type: "string" },
      { name: "spend", type: "decimal" },
    ],
  };
  const first = deepDive.flow.nodes[0];
  if (first === undefined) throw new Error("missing test data");
  const plain: FlowNode = { ...first, template_id: "tpl_each", node_config: {} };
  const forEach: FlowNode = { ...plain, node_config: { for_each: "campaign_ids" } };

  it("adds the column a for-each node adds its value as, named after the parameter, as validation does", () => {
    expect(nodeColumns(forEach, perCampaign)?.map((c) => `${c.name}:${c.type}`)).toEqual([
      "campaign_id:string",
      "spend:decimal",
      "campaign_ids:string",
    ]);
  });

  it("leaves a plain node's columns, and a template that declares none, as they are", () => {
    expect(nodeColumns(plain, perCampaign)).toEqual(perCampaign.output_columns);
    const undeclared: Template = { ...perCampaign };
    delete undeclared.output_columns;
    expect(nodeColumns(forEach, undeclared)).toBeUndefined();
  });
});
