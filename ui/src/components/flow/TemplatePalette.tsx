// The template palette beside the canvas: every active template, searchable by name, category
// and tag, and filtered by the data source it runs on. Drag one onto the canvas to place a node there, or press its + to place it in the
// middle of the view (beside any node already there). The drag follows the pointer itself:
// HTML5 drag and drop does not reach the page in WebKitGTK under Tauri.
import { useReactFlow } from "@xyflow/react";
import { useEffect, useMemo, useRef, useState, type PointerEvent as ReactPointerEvent } from "react";
import type { Template, TemplateDetail } from "../../api";
import { addNode, freeSpot } from "../../lib/edit";
import { DEFAULT_NODE_SIZE } from "../../lib/layout";
import { matchTemplates } from "../../lib/palette";
import { ALL_SOURCES, filterBySource, sortSources } from "../../lib/sources";
import { useAppActions } from "../../store";
import { useSources } from "../sources/SourcePicker";
import { useViewCentre } from "./useViewCentre";

/** How far the pointer must move before pressing a template becomes dragging it. */
const DRAG_THRESHOLD = 4;

type Drag = {
  readonly template: Template;
  readonly from: { readonly x: number; readonly y: number };
  readonly x: number;
  readonly y: number;
  readonly moved: boolean;
};

/** Dragging a template from the palette: a ghost follows the pointer; let go over the canvas to place it there. */
function usePaletteDrag(): {
  readonly drag: Drag | null;
  readonly start: (template: Template, event: ReactPointerEvent) => void;
} {
  const { editFlow } = useAppActions();
  const { screenToFlowPosition } = useReactFlow();
  const [drag, setDrag] = useState<Drag | null>(null);
  // The drag as the document's listeners see it (state updaters must stay pure).
  const current = useRef<Drag | null>(null);
  const dragging = drag !== null;

  useEffect(() => {
    if (!dragging) return;
    const move = (event: PointerEvent) => {
      const d = current.current;
      if (d === null) return;
      const moved = d.moved || Math.hypot(event.clientX - d.from.x, event.clientY - d.from.y) > DRAG_THRESHOLD;
      current.current = { ...d, x: event.clientX, y: event.clientY, moved };
      setDrag(current.current);
    };
    const drop = (event: PointerEvent) => {
      const d = current.current;
      current.current = null;
      setDrag(null);
      const canvas = document.querySelector('[data-testid="canvas"]')?.getBoundingClientRect();
      const inside =
        canvas !== undefined &&
        event.clientX >= canvas.left &&
        event.clientX <= canvas.right &&
        event.clientY >= canvas.top &&
        event.clientY <= canvas.bottom;
      if (d?.moved !== true || !inside) return;
      const at = screenToFlowPosition({ x: event.clientX, y: event.clientY });
      editFlow((flow) => addNode(flow, d.template, at).flow);
    };
    document.addEventListener("pointermove", move);
    document.addEventListener("pointerup", drop);
    return () => {
      document.removeEventListener("pointermove", move);
      document.removeEventListener("pointerup", drop);
    };
  }, [dragging, editFlow, screenToFlowPosition]);

  return {
    drag,
    start: (template, event) => {
      if (event.button !== 0) return;
      event.preventDefault();
      const at = { x: event.clientX, y: event.clientY };
      current.current = { template, from: at, ...at, moved: false };
      setDrag(current.current);
    },
  };
}

/** Places `template` in the middle of the canvas as it is on screen. */
export function usePlaceInView(): (template: Template) => void {
  const { editFlow } = useAppActions();
  const centre = useViewCentre();
  return (template) => {
    const at = centre(DEFAULT_NODE_SIZE);
    editFlow((flow) => addNode(flow, template, freeSpot(flow, at)).flow);
  };
}

export function TemplatePalette({ templates }: { readonly templates: readonly TemplateDetail[] }) {
  const [query, setQuery] = useState("");
  const [sourceId, setSourceId] = useState(ALL_SOURCES);
  const sources = useSources({ load: true });
  const shown = useMemo(() => matchTemplates(filterBySource(templates, sourceId), query), [templates, sourceId, query]);
  const sourceName = sources.find((s) => s.source.source_id === sourceId)?.source.name ?? sourceId;
  const place = usePlaceInView();
  const { drag, start } = usePaletteDrag();

  return (
    <section className="palette" aria-label="Templates" data-testid="palette">
      <div className="palette__filters">
        <input
          type="search"
          className="palette__search"
          placeholder="Search templates"
          aria-label="Search templates"
          data-testid="palette-search"
          value={query}
          onChange={(event) => {
            setQuery(event.target.value);
          }}
        />
        <select
          className="palette__source"
          aria-label="Data source"
          data-testid="palette-source"
          value={sourceId}
          onChange={(event) => {
            setSourceId(event.target.value);
          }}
        >
          <option value={ALL_SOURCES}>All sources</option>
          {sortSources(sources).map(({ source }) => (
            <option key={source.source_id} value={source.source_id}>
              {source.name}
            </option>
          ))}
        </select>
      </div>
      {shown.length === 0 ? (
        <p className="muted palette__empty">
          {query.trim() === "" ? `No template runs on ${sourceName}.` : `No template${sourceId === ALL_SOURCES ? "" : ` on ${sourceName}`} matches “${query}”.`}
        </p>
      ) : (
        <ul className="palette__list">
          {shown.map(({ template }) => (
            <li
              key={template.template_id}
              className="palette__item"
              data-testid="palette-item"
              data-template-id={template.template_id}
              title={template.description || template.name}
            >
              <div
                className="palette__text"
                data-testid="palette-handle"
                onPointerDown={(event) => {
                  start(template, event);
                }}
              >
                <span className="palette__name">{template.name}</span>
                {template.category !== "" && <span className="palette__category">{template.category}</span>}
              </div>
              <button
                type="button"
                className="palette__add"
                aria-label={`Add ${template.name} to the flow`}
                data-testid="palette-add"
                onClick={() => {
                  place(template);
                }}
              >
                +
              </button>
            </li>
          ))}
        </ul>
      )}
      {drag?.moved === true && (
        <div className="palette__ghost" style={{ left: drag.x, top: drag.y }} aria-hidden="true">
          {drag.template.name}
        </div>
      )}
    </section>
  );
}
