// Test data shaped exactly like what Rust sends (the `_Serialize` types), for unit tests only.
import type { Diagnostic, FlowDetail, FlowMeta, FlowNode, FlowSummary, ParamSpec, TemplateDetail } from "../api";

export const meta: FlowMeta = {
  created_at: "2026-06-01T09:00:00Z",
  updated_at: "2026-06-02T10:30:00Z",
  execution_count: 0,
  last_executed_at: null,
  is_favorite: false,
  last_used_at: null,
  flow_template_id: null,
};

export function summary(id: string, name: string, tags: string[] = [], favorite = false): FlowSummary {
  return { composition_id: id, name, description: `${name}.`, tags, node_count: 2, meta: { ...meta, is_favorite: favorite } };
}

function param(name: string, extra: Partial<ParamSpec> = {}): ParamSpec {
  return { name, type: "string", required: true, ...extra };
}

export function template(id: string, name: string, parameters: ParamSpec[], isActive = true): TemplateDetail {
  return {
    template: { template_id: id, name, description: "", category: "", tags: [], sql: "SELECT 1", parameters, version: 1 },
    usage_count: 1,
    is_active: isActive,
  };
}

export const templates: TemplateDetail[] = [
  template("tpl_top_campaigns", "Top campaigns by spend", [
    param("start_date", { type: "date" }),
    param("end_date", { type: "date" }),
    param("limit", { type: "integer", required: false, default: 20 }),
  ]),
  template("tpl_daily_trend", "Daily campaign performance", [
    param("campaign_ids", { list: true }),
    param("start_date", { type: "date" }),
  ]),
  template("tpl_products", "Products sold by campaigns", [param("campaign_ids", { list: true }), param("category", { required: false })]),
];

function node(id: string, templateId: string, x: number, y: number, config: FlowNode["node_config"] = {}): FlowNode {
  return { node_id: id, template_id: templateId, position: { x, y }, node_config: config, parameter_overrides: {}, is_conditional: false };
}

/** Three nodes: one labelled, one falling back to its template's name, one whose template is gone. */
export const deepDive: FlowDetail = {
  flow: {
    composition: {
      composition_id: "comp_deep_dive",
      name: "Top campaigns deep dive",
      description: "Top campaigns and what they sold.",
      tags: ["campaigns"],
      global_parameters: [{ name: "start_date", type: "date", default: "2026-06-01" }],
      canvas_state: { viewport: { x: 10, y: 20, zoom: 0.8 } },
      is_public: false,
      is_active: true,
    },
    nodes: [
      { ...node("top", "tpl_top_campaigns", 0, 160, { label: "Top campaigns" }), parameter_overrides: { end_date: "2026-06-30" } },
      node("trend", "tpl_daily_trend", 380, 0),
      node("orphan", "tpl_deleted", 380, 320, { label: "  " }),
    ],
    connections: [
      {
        connection_id: "top_to_trend",
        source_node_id: "top",
        target_node_id: "trend",
        field_mappings: { campaign_ids: "campaign_id" },
        transformation_rules: { campaign_ids: "distinct_list" },
        is_required: true,
      },
      {
        connection_id: "top_to_orphan",
        source_node_id: "top",
        target_node_id: "orphan",
        field_mappings: { campaign_ids: "campaign_id", day: "first_day" },
        transformation_rules: { day: "first" },
        is_required: false,
      },
    ],
  },
  meta,
  pinned_templates: [],
};

/** A diagnostic as `validateFlow` sends it; only what a test cares about needs saying. */
export function diagnostic(code: Diagnostic["code"], extra: Partial<Diagnostic> = {}): Diagnostic {
  return {
    code,
    severity: code === "unused_output" || code === "empty_connection" ? "warning" : "error",
    message: `A ${code.replaceAll("_", " ")}.`,
    path: "",
    node_ids: [],
    connection_ids: [],
    ...extra,
  };
}
