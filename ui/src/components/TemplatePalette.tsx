// The template palette beside the canvas: every active template, searchable by name, category
// and tag. Drag one onto the canvas to place a node there, or press its + to place it in the
// middle of the view (beside any node already there).
import { useReactFlow } from "@xyflow/react";
import { useMemo, useState } from "react";
import type { Template, TemplateDetail } from "../api";
import { addNode, freeSpot } from "../lib/edit";
import { matchTemplates } from "../lib/palette";
import { useAppActions } from "../store";

/** The drag data type that carries a template id from the palette to the canvas. */
export const TEMPLATE_DRAG_TYPE = "application/x-flowloom-template";

/** Places `template` in the middle of the canvas as it is on screen. */
export function usePlaceInView(): (template: Template) => void {
  const { editFlow } = useAppActions();
  const { screenToFlowPosition } = useReactFlow();
  return (template) => {
    const canvas = document.querySelector('[data-testid="canvas"]')?.getBoundingClientRect();
    const middle = canvas ? { x: canvas.left + canvas.width / 2 - 110, y: canvas.top + canvas.height / 2 - 40 } : { x: 0, y: 0 };
    editFlow((flow) => addNode(flow, template, freeSpot(flow, screenToFlowPosition(middle))).flow);
  };
}

export function TemplatePalette({ templates }: { readonly templates: readonly TemplateDetail[] }) {
  const [query, setQuery] = useState("");
  const shown = useMemo(() => matchTemplates(templates, query), [templates, query]);
  const place = usePlaceInView();

  return (
    <section className="palette" aria-label="Templates" data-testid="palette">
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
      {shown.length === 0 ? (
        <p className="muted palette__empty">No template matches “{query}”.</p>
      ) : (
        <ul className="palette__list">
          {shown.map(({ template }) => (
            <li
              key={template.template_id}
              className="palette__item"
              draggable
              data-testid="palette-item"
              data-template-id={template.template_id}
              title={template.description || template.name}
              onDragStart={(event) => {
                event.dataTransfer.setData(TEMPLATE_DRAG_TYPE, template.template_id);
                event.dataTransfer.effectAllowed = "copy";
              }}
            >
              <div className="palette__text">
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
    </section>
  );
}
