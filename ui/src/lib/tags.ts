// Tag helpers for the home screen: the chips are the sorted, distinct tags of all flows.

/** Every tag used by any of `flows`, once each, trimmed, empty ones dropped, sorted A→Z. */
export function distinctTags(flows: readonly { readonly tags: readonly string[] }[]): string[] {
  const seen = new Set<string>();
  for (const flow of flows) {
    for (const tag of flow.tags) {
      const trimmed = tag.trim();
      if (trimmed !== "") seen.add(trimmed);
    }
  }
  return [...seen].sort((a, b) => a.localeCompare(b, "en", { sensitivity: "base" }) || (a < b ? -1 : 1));
}
