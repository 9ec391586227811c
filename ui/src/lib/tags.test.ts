// What the tag chips show (every tag of every flow, once, in order) and what a click on one does.
import { describe, expect, it } from "vitest";
import { distinctTags, toggledTag } from "./tags";

describe("distinctTags", () => {
  it("lists every tag of every flow once, sorted", () => {
    const flows = [
      { tags: ["products", "campaigns", "starter"] },
      { tags: ["campaigns", "ctr"] },
      { tags: [] },
    ];
    expect(distinctTags(flows)).toEqual(["campaigns", "ctr", "products", "starter"]);
  });

  it("sorts without regard to case and drops blank tags", () => {
    expect(distinctTags([{ tags: ["beta", "Alpha", " ", "", "gamma "] }])).toEqual(["Alpha", "beta", "gamma"]);
  });

  it("has no chips when there are no flows", () => {
    expect(distinctTags([])).toEqual([]);
  });
});

describe("toggledTag", () => {
  it("turns a chip on, in place of the one that was on", () => {
    expect(toggledTag(null, "ctr")).toBe("ctr");
    expect(toggledTag("campaigns", "ctr")).toBe("ctr");
  });

  it("turns the chip that was on off", () => {
    expect(toggledTag("ctr", "ctr")).toBeNull();
  });
});
