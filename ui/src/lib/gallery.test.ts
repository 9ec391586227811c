// The gallery as the screen groups it, and how often each flow was used.
import { describe, expect, it } from "vitest";
import type { GalleryFlow } from "../api";
import { flowsMade, galleryGroups } from "./gallery";

function entry(id: string, name: string, category: string): GalleryFlow {
  return { id, name, goal: "", category, description: "", node_count: 2, flows_made: 0 };
}

describe("the gallery's groups", () => {
  it("are its categories A to Z, uncategorised flows last, each by name", () => {
    const groups = galleryGroups([
      entry("ftpl_c", "Pacing", "budget"),
      entry("ftpl_a", "Top performers", "performance"),
      entry("ftpl_x", "Odd one", " "),
      entry("ftpl_b", "Anomalies", "performance"),
    ]);
    expect(groups.map((g) => [g.category, g.flows.map((f) => f.name)])).toEqual([
      ["budget", ["Pacing"]],
      ["performance", ["Anomalies", "Top performers"]],
      ["Other", ["Odd one"]],
    ]);
  });
});

describe("how often a gallery flow was used", () => {
  it("counts the flows made from it", () => {
    expect(flowsMade(0)).toBe("Not used yet");
    expect(flowsMade(1)).toBe("Used for 1 flow");
    expect(flowsMade(3)).toBe("Used for 3 flows");
  });
});
