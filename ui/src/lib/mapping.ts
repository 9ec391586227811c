// How a connection's field mappings read on an edge: `source_column → target_param (rule)`.
import type { Connection } from "../api";

/** One column of the upstream result feeding one parameter of the downstream node. */
export type Mapping = {
  readonly sourceColumn: string;
  readonly targetParam: string;
  /** The transformation applied on the way, e.g. `distinct_list`; null when the value passes as is. */
  readonly rule: string | null;
};

/** The mappings of a connection, ordered by target parameter. */
export function connectionMappings(connection: Pick<Connection, "field_mappings" | "transformation_rules">): Mapping[] {
  const rules: Partial<Record<string, string>> = connection.transformation_rules;
  return Object.entries(connection.field_mappings)
    .map(([targetParam, sourceColumn]) => ({ sourceColumn, targetParam, rule: rules[targetParam] ?? null }))
    .sort((a, b) => (a.targetParam < b.targetParam ? -1 : a.targetParam > b.targetParam ? 1 : 0));
}

/** `campaign_id → campaign_ids (distinct_list)`, or `campaign_id → campaign_ids` without a rule. */
export function formatMapping(mapping: Mapping): string {
  const arrow = `${mapping.sourceColumn} → ${mapping.targetParam}`;
  return mapping.rule === null ? arrow : `${arrow} (${mapping.rule})`;
}

/** The edge label of a connection: its mappings, comma separated; empty when it maps nothing. */
export function mappingLabel(connection: Pick<Connection, "field_mappings" | "transformation_rules">): string {
  return connectionMappings(connection).map(formatMapping).join(", ");
}
