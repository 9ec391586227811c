// Which template a node runs. A node is pinned to the version of its template it was built with
// (`template_version`): the template as it is now (the template list), or an earlier version the
// open flow carries (`FlowDetail.pinned_templates`). A node with no version, or with one the UI
// does not have, is shown with the template as it is now. The catalogue is built once per
// template list (and pinned list), so each node's lookup is two map reads, never a search.
// Pure: no React, no IPC.
import type { FlowNode, OutputColumn, ParamSpec, Template, TemplateDetail } from "../api";

/** The templates the editor looks nodes' templates up in. */
export type Catalogue = {
  /** Each template as the workspace has it now, by id. */
  readonly current: ReadonlyMap<string, TemplateDetail>;
  /** Earlier versions that nodes are pinned to, by template id, then version. */
  readonly earlier: ReadonlyMap<string, ReadonlyMap<number, Template>>;
};

/** The catalogue of `templates` (as they are now) and the earlier versions `pinned`. */
export function buildCatalogue(templates: readonly TemplateDetail[], pinned: readonly Template[] = []): Catalogue {
  const earlier = new Map<string, Map<number, Template>>();
  for (const template of pinned) {
    const versions = earlier.get(template.template_id) ?? new Map<number, Template>();
    versions.set(template.version, template);
    earlier.set(template.template_id, versions);
  }
  return { current: new Map(templates.map((t) => [t.template.template_id, t])), earlier };
}

type Pinned = Pick<FlowNode, "template_id" | "template_version">;

/** The version of its template a node runs: the one it is pinned to, else the current one. */
export function nodeTemplate(catalogue: Catalogue, node: Pinned): Template | undefined {
  const version = node.template_version;
  const pinned = version === undefined ? undefined : catalogue.earlier.get(node.template_id)?.get(version);
  return pinned ?? catalogue.current.get(node.template_id)?.template;
}

/** The version a node is on: its own, or (for a node without one) its template's current version. */
export function nodeVersion(catalogue: Catalogue, node: Pinned): number | undefined {
  return node.template_version ?? catalogue.current.get(node.template_id)?.template.version;
}

/** A newer version of a node's template than the one it runs. */
export type TemplateUpdate = {
  /** The version the node is on. */
  readonly from: number;
  /** The template's current version. */
  readonly to: number;
  /** Whether the user chose to keep `from` rather than take `to` (`declined_template_version`). */
  readonly declined: boolean;
};

/**
 * The newer version of a node's template, or null when the node is on the current one (or has
 * no version, or its template is missing). As the validator warns (`template_changed`): a
 * declined version, or a later one, is not offered again; a version after it is.
 */
export function templateUpdate(catalogue: Catalogue, node: Pinned & Pick<FlowNode, "node_config">): TemplateUpdate | null {
  const from = node.template_version;
  const to = catalogue.current.get(node.template_id)?.template.version;
  if (from === undefined || to === undefined || from >= to) return null;
  const declined = node.node_config.declined_template_version;
  return { from, to, declined: declined !== undefined && declined >= to };
}

function byName<T extends { readonly name: string }>(items: readonly T[] | null | undefined): Map<string, T> {
  return new Map((items ?? []).map((item) => [item.name, item]));
}

/** The names in `a` that are not in `b`, in `a`'s order. */
function missingFrom<T>(a: ReadonlyMap<string, T>, b: ReadonlyMap<string, T>): string[] {
  return [...a.keys()].filter((name) => !b.has(name));
}

function sameParam(a: ParamSpec, b: ParamSpec): boolean {
  return a.type === b.type && (a.list ?? false) === (b.list ?? false) && a.required === b.required;
}

function sameColumn(a: OutputColumn, b: OutputColumn): boolean {
  return a.type === b.type;
}

/**
 * What changed from one version of a template to another, a line each: its SQL; parameters
 * added, removed or changed (type, list or required); output columns added, removed or
 * retyped. Empty when none of these changed (its name or description may have).
 */
export function describeTemplateChanges(before: Template, after: Template): string[] {
  const lines: string[] = [];
  if (before.sql.trim() !== after.sql.trim()) lines.push("SQL changed");
  const list = (what: string, names: readonly string[]) => {
    if (names.length > 0) lines.push(`${what}: ${names.join(", ")}`);
  };
  const [paramsBefore, paramsAfter] = [byName(before.parameters), byName(after.parameters)];
  list("Parameters added", missingFrom(paramsAfter, paramsBefore));
  list("Parameters removed", missingFrom(paramsBefore, paramsAfter));
  list(
    "Parameters changed",
    [...paramsAfter].flatMap(([name, param]) => {
      const old = paramsBefore.get(name);
      return old === undefined || sameParam(old, param) ? [] : [name];
    }),
  );
  const [columnsBefore, columnsAfter] = [byName(before.output_columns), byName(after.output_columns)];
  list("Output columns added", missingFrom(columnsAfter, columnsBefore));
  list("Output columns removed", missingFrom(columnsBefore, columnsAfter));
  list(
    "Output columns retyped",
    [...columnsAfter].flatMap(([name, column]) => {
      const old = columnsBefore.get(name);
      return old === undefined || sameColumn(old, column) ? [] : [name];
    }),
  );
  return lines;
}

/**
 * The earlier versions among `pinned` that `nodes` are on: what a copy of the nodes needs to be
 * drawn as they are in another flow.
 */
export function pinnedFor(nodes: readonly Pinned[], pinned: readonly Template[]): Template[] {
  const wanted = new Set(nodes.map((n) => `${n.template_id}@${n.template_version ?? ""}`));
  return pinned.filter((t) => wanted.has(`${t.template_id}@${t.version}`));
}

/** `pinned` with those of `more` it does not have yet; `pinned` itself when it has them all. */
export function mergePinned(pinned: Template[], more: readonly Template[]): Template[] {
  const has = new Set(pinned.map((t) => `${t.template_id}@${t.version}`));
  const added = more.filter((t) => !has.has(`${t.template_id}@${t.version}`));
  return added.length === 0 ? pinned : [...pinned, ...added];
}
