// The flow gallery as the Gallery screen shows it: its flows grouped by category, and how often
// each was used. Pure.
import type { GalleryFlow } from "../api";
import { plural } from "./format";

export type GalleryGroup = { readonly category: string; readonly flows: readonly GalleryFlow[] };

/** The gallery's flows by category (categories A→Z, uncategorised last), each group by name. */
export function galleryGroups(flows: readonly GalleryFlow[]): GalleryGroup[] {
  const groups = new Map<string, GalleryFlow[]>();
  for (const flow of flows) {
    const category = flow.category.trim() === "" ? "Other" : flow.category.trim();
    groups.set(category, [...(groups.get(category) ?? []), flow]);
  }
  return [...groups]
    .sort(([a], [b]) => (a === "Other" ? 1 : b === "Other" ? -1 : a.localeCompare(b)))
    .map(([category, members]) => ({ category, flows: [...members].sort((a, b) => a.name.localeCompare(b.name)) }));
}

/** "Used for 2 flows", or "Not used yet". */
export function flowsMade(count: number): string {
  return count === 0 ? "Not used yet" : `Used for ${plural(count, "flow")}`;
}
