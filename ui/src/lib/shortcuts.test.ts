import { describe, expect, it } from "vitest";
import { shortcutFor } from "./shortcuts";

const press = (key: string, extra: Partial<{ ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey: boolean }> = {}) => ({
  key,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  ...extra,
});

describe("shortcutFor", () => {
  it("maps undo, redo and the palette with Ctrl or Cmd", () => {
    expect(shortcutFor(press("z", { ctrlKey: true }), false)).toBe("undo");
    expect(shortcutFor(press("Z", { metaKey: true, shiftKey: true }), false)).toBe("redo");
    expect(shortcutFor(press("y", { ctrlKey: true }), false)).toBe("redo");
    expect(shortcutFor(press("k", { metaKey: true }), false)).toBe("palette");
    expect(shortcutFor(press("?", { shiftKey: true }), false)).toBe("help");
    expect(shortcutFor(press("f"), false)).toBe("fitView");
    expect(shortcutFor(press("l"), false)).toBe("layout");
    expect(shortcutFor(press("n"), false)).toBe("note");
    expect(shortcutFor(press("c", { ctrlKey: true }), false)).toBe("copy");
    expect(shortcutFor(press("v", { metaKey: true }), false)).toBe("paste");
  });

  it("leaves a text field its own keys, except the palette", () => {
    expect(shortcutFor(press("z", { ctrlKey: true }), true)).toBeNull();
    expect(shortcutFor(press("f"), true)).toBeNull();
    expect(shortcutFor(press("v", { ctrlKey: true }), true)).toBeNull();
    expect(shortcutFor(press("k", { ctrlKey: true }), true)).toBe("palette");
  });

  it("ignores plain typing and other chords", () => {
    expect(shortcutFor(press("z"), false)).toBeNull();
    expect(shortcutFor(press("z", { ctrlKey: true, altKey: true }), false)).toBeNull();
  });
});
