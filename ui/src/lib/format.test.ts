// Counts, timestamps, values and empty-state sentences as they appear on screen.
import { describe, expect, it } from "vitest";
import { emptyFlowsMessage, formatTimestamp, formatValue, lastUsed, plural, runCount } from "./format";

describe("counts", () => {
  it("pluralises", () => {
    expect(plural(1, "node")).toBe("1 node");
    expect(plural(4, "node")).toBe("4 nodes");
    expect(plural(0, "node")).toBe("0 nodes");
  });

  it("says when a flow never ran", () => {
    expect(runCount(0)).toBe("Never run");
    expect(runCount(1)).toBe("1 run");
    expect(runCount(12)).toBe("12 runs");
  });
});

describe("formatValue", () => {
  it("shows strings bare, lists comma separated and objects as JSON", () => {
    expect(formatValue("Electronics")).toBe("Electronics");
    expect(formatValue(5)).toBe("5");
    expect(formatValue(false)).toBe("false");
    expect(formatValue(["a", "b"])).toBe("a, b");
    expect(formatValue({ k: 1 })).toBe('{"k":1}');
    expect(formatValue(null)).toBe("null");
  });
});

describe("formatTimestamp", () => {
  it("keeps text that is not a timestamp", () => {
    expect(formatTimestamp("yesterday-ish")).toBe("yesterday-ish");
  });

  it("formats an RFC 3339 timestamp", () => {
    expect(formatTimestamp("2026-06-01T09:30:00Z", "en-GB")).toMatch(/2026/);
  });
});

describe("lastUsed", () => {
  it("says when a flow was last opened or run, and nothing when it never was", () => {
    expect(lastUsed({ last_used_at: "2026-06-01T09:30:00Z" }, "en-GB")).toMatch(/^Used .*2026/);
    expect(lastUsed({ last_used_at: null })).toBeNull();
  });
});

describe("emptyFlowsMessage", () => {
  const none = { text: "", tag: null, favoritesOnly: false };

  it("names the search text", () => {
    expect(emptyFlowsMessage({ ...none, text: " roas " })).toBe("No flows match “roas”.");
  });

  it("names the tag and favourites", () => {
    expect(emptyFlowsMessage({ ...none, tag: "ctr" })).toBe("No flows tagged “ctr”.");
    expect(emptyFlowsMessage({ text: "x", tag: "ctr", favoritesOnly: true })).toBe(
      "No favourite flows tagged “ctr” match “x”.",
    );
  });

  it("explains an empty workspace and an empty favourites list", () => {
    expect(emptyFlowsMessage(none)).toBe("No flows in this workspace yet.");
    expect(emptyFlowsMessage({ ...none, favoritesOnly: true })).toBe("No favourite flows yet. Star a flow to keep it here.");
  });
});
