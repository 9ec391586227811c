// The context menu of a canvas node (right click): run to or from it, copy or delete it.
import { useEffect } from "react";
import { removeElements } from "../../lib/edit";
import { useAppActions } from "../../store";
import { useEscape } from "../useEscape";

export type NodeMenuAt = { readonly nodeId: string; readonly x: number; readonly y: number };

export function NodeMenu({ at, onClose }: { readonly at: NodeMenuAt; readonly onClose: () => void }) {
  const { runPart, copyNodes, editFlow } = useAppActions();
  useEscape(onClose);
  useEffect(() => {
    // Any click elsewhere closes the menu.
    document.addEventListener("pointerdown", onClose);
    return () => {
      document.removeEventListener("pointerdown", onClose);
    };
  }, [onClose]);
  const item = (label: string, testId: string, act: () => void) => (
    <li>
      <button
        type="button"
        role="menuitem"
        className="node-menu__item"
        data-testid={testId}
        onPointerDown={(event) => {
          event.stopPropagation();
        }}
        onClick={() => {
          onClose();
          act();
        }}
      >
        {label}
      </button>
    </li>
  );
  return (
    <ul className="node-menu" role="menu" aria-label={`Node ${at.nodeId}`} data-testid="node-menu" style={{ left: at.x, top: at.y }}>
      {item("Run to here", "menu-run-to", () => void runPart({ to: at.nodeId }))}
      {item("Run from here", "menu-run-from", () => void runPart({ from: at.nodeId }))}
      {item("Copy", "menu-copy", () => {
        copyNodes([at.nodeId]);
      })}
      {item("Delete", "menu-delete", () => {
        editFlow((f) => removeElements(f, new Set([at.nodeId]), new Set()));
      })}
    </ul>
  );
}
