// The flow editor's keyboard shortcuts: one list, read by the key handler and by the help overlay.

export type ShortcutAction =
  | "undo"
  | "redo"
  | "copy"
  | "paste"
  | "palette"
  | "help"
  | "fitView"
  | "layout"
  | "note"
  | "delete"
  | "multiSelect"
  | "boxSelect";

export type Shortcut = { readonly action: ShortcutAction; readonly keys: string; readonly does: string };

/** Ctrl on Linux and Windows, ⌘ on macOS. */
export const MOD = typeof navigator !== "undefined" && navigator.userAgent.includes("Mac") ? "⌘" : "Ctrl";

export const SHORTCUTS: readonly Shortcut[] = [
  { action: "palette", keys: `${MOD}+K`, does: "Add a template or run a command" },
  { action: "undo", keys: `${MOD}+Z`, does: "Undo the last edit" },
  { action: "redo", keys: `${MOD}+Shift+Z or ${MOD}+Y`, does: "Redo" },
  { action: "copy", keys: `${MOD}+C`, does: "Copy the selected nodes (and the connections between them)" },
  { action: "paste", keys: `${MOD}+V`, does: "Paste them, into this flow or another" },
  { action: "delete", keys: "Delete or Backspace", does: "Delete the selected nodes and connections" },
  { action: "multiSelect", keys: `${MOD}+click`, does: "Add a node or connection to the selection" },
  { action: "boxSelect", keys: "Shift+drag", does: "Select every node in a box" },
  { action: "fitView", keys: "F", does: "Fit the whole flow in view" },
  { action: "layout", keys: "L", does: "Lay the flow out left to right" },
  { action: "note", keys: "N", does: "Add a sticky note (double-click a note to write in it)" },
  { action: "help", keys: "?", does: "Show these shortcuts" },
];

type KeyLike = Pick<KeyboardEvent, "key" | "ctrlKey" | "metaKey" | "shiftKey" | "altKey">;

/** What a key press asks of the editor, or null. `typing`: the focus is in a text field. */
export function shortcutFor(event: KeyLike, typing: boolean): ShortcutAction | null {
  const mod = event.ctrlKey || event.metaKey;
  const key = event.key.toLowerCase();
  if (mod && !event.altKey && key === "k") return "palette";
  // In a text field, the field's own keys (its undo too) win.
  if (typing) return null;
  if (mod && !event.altKey && key === "z") return event.shiftKey ? "redo" : "undo";
  if (mod && !event.altKey && key === "y") return "redo";
  if (mod && !event.altKey && !event.shiftKey && key === "c") return "copy";
  if (mod && !event.altKey && !event.shiftKey && key === "v") return "paste";
  if (!mod && !event.altKey && event.key === "?") return "help";
  if (!mod && !event.altKey && !event.shiftKey && key === "f") return "fitView";
  if (!mod && !event.altKey && !event.shiftKey && key === "l") return "layout";
  if (!mod && !event.altKey && !event.shiftKey && key === "n") return "note";
  return null;
}
