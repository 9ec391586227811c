// Tag helpers for the tag chips: on the home screen they are the sorted, distinct tags of all
// flows; there and in the templates list one chip at a time filters the list.

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

/** The tag filtered by after a click on `tag`'s chip: it, or none when it was already on. */
export function toggledTag(current: string | null, tag: string): string | null {
  return current === tag ? null : tag;
}
