// The open flow's work area, inside the screen's ReactFlowProvider: the template palette, the
// canvas with the results drawer, the side panel (or the versions panel in its place), and the
// editor's keyboard shortcuts with the command palette (Ctrl/Cmd+K) and the shortcuts overlay
// (?) they open.
import { useReactFlow } from "@xyflow/react";
import { useCallback, useEffect, useMemo, useState } from "react";
import type { Diagnostic, FlowDetail, TemplateDetail } from "../../api";
import { FIT_WHOLE_FLOW } from "../../lib/canvas";
import { buildCatalogue } from "../../lib/catalogue";
import { addNote } from "../../lib/edit";
import { SHORTCUTS, shortcutFor } from "../../lib/shortcuts";
import { useAppActions, useAppState } from "../../store";
import { CommandPalette, type Command } from "./CommandPalette";
import { FlowCanvas } from "./FlowCanvas";
import { FlowSidebar } from "./FlowSidebar";
import { ResultsDrawer } from "./ResultsDrawer";
import { ShortcutsHelp } from "./ShortcutsHelp";
import { TemplatePalette } from "./TemplatePalette";
import { useViewCentre } from "./useViewCentre";
import { useAutoLayout } from "./useAutoLayout";
import { VersionsPanel } from "./VersionsPanel";

type Props = {
  readonly detail: FlowDetail;
  readonly templates: readonly TemplateDetail[];
  readonly diagnostics: readonly Diagnostic[];
};

type Overlay = "palette" | "help" | null;

function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
}

export function FlowEditor({ detail, templates, diagnostics }: Props) {
  const { undo, redo, startRun, copyNodes, paste, editFlow } = useAppActions();
  const versionsOpen = useAppState((state) => state.versions.open);
  const { fitView, getNodes } = useReactFlow();
  const centre = useViewCentre();
  const [overlay, setOverlay] = useState<Overlay>(null);
  const layout = useAutoLayout();
  // Which template each node runs, looked up once per template list, not per node or render.
  const catalogue = useMemo(() => buildCatalogue(templates, detail.pinned_templates), [templates, detail.pinned_templates]);
  const addNoteInView = useCallback(() => {
    const at = centre({ width: 200, height: 80 });
    editFlow((flow) => addNote(flow, at).flow);
  }, [editFlow, centre]);

  const keys = (action: string) => SHORTCUTS.find((s) => s.action === action)?.keys ?? "";
  const commands: Command[] = useMemo(
    () => [
      { id: "undo", label: "Undo", keys: keys("undo"), run: undo },
      { id: "redo", label: "Redo", keys: keys("redo"), run: redo },
      { id: "fit", label: "Fit view", keys: keys("fitView"), run: () => void fitView(FIT_WHOLE_FLOW) },
      { id: "layout", label: "Auto-layout", keys: keys("layout"), run: () => void layout() },
      { id: "note", label: "Add sticky note", keys: keys("note"), run: addNoteInView },
      { id: "run", label: "Run flow", keys: "", run: () => void startRun() },
      { id: "help", label: "Keyboard shortcuts", keys: keys("help"), run: () => { setOverlay("help"); } },
    ],
    [undo, redo, fitView, startRun, layout, addNoteInView],
  );

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const action = shortcutFor(event, isTyping(event.target));
      if (action === null || (overlay !== null && action !== "palette")) return;
      event.preventDefault();
      if (action === "undo") undo();
      else if (action === "redo") redo();
      else if (action === "copy") copyNodes(getNodes().filter((n) => n.selected).map((n) => n.id));
      else if (action === "paste") paste();
      else if (action === "palette") setOverlay((open) => (open === "palette" ? null : "palette"));
      else if (action === "help") setOverlay("help");
      else if (action === "fitView") void fitView(FIT_WHOLE_FLOW);
      else if (action === "layout") void layout();
      else if (action === "note") addNoteInView();
    };
    document.addEventListener("keydown", onKeyDown);
    return () => {
      document.removeEventListener("keydown", onKeyDown);
    };
  }, [overlay, undo, redo, fitView, copyNodes, paste, getNodes, layout, addNoteInView]);

  const close = () => {
    setOverlay(null);
  };

  return (
    <div className="flow-body">
      <TemplatePalette templates={templates} />
      <div className="flow-main">
        <FlowCanvas detail={detail} catalogue={catalogue} diagnostics={diagnostics} />
        <ResultsDrawer catalogue={catalogue} />
      </div>
      {versionsOpen ? (
        <VersionsPanel catalogue={catalogue} />
      ) : (
        <FlowSidebar detail={detail} catalogue={catalogue} diagnostics={diagnostics} />
      )}
      {overlay === "palette" && <CommandPalette templates={templates} commands={commands} onClose={close} />}
      {overlay === "help" && <ShortcutsHelp onClose={close} />}
    </div>
  );
}
