// A sticky note on the canvas: its text; double-click to write in it (kept on Escape, when it
// loses focus, or when the canvas is clicked: React Flow's pane keeps the focus where it is).
import type { NodeProps } from "@xyflow/react";
import { memo, useEffect, useRef, useState } from "react";
import type { NoteCanvasNode } from "../../lib/canvas";
import { setNoteText } from "../../lib/edit";
import { useAppActions } from "../../store";

function NoteNodeView({ data, selected }: NodeProps<NoteCanvasNode>) {
  const { editFlow } = useAppActions();
  const [draft, setDraft] = useState<string | null>(data.text === "" ? "" : null);
  const input = useRef<HTMLTextAreaElement>(null);
  const writing = draft !== null;
  // A new note, or one just double-clicked, is written in at once. React Flow shows a node only
  // once it has measured it, and a hidden field cannot take the focus: wait two frames.
  useEffect(() => {
    if (!writing) return;
    let frame = requestAnimationFrame(() => {
      frame = requestAnimationFrame(() => input.current?.focus());
    });
    return () => {
      cancelAnimationFrame(frame);
    };
  }, [writing]);
  useEffect(() => {
    if (draft === null) return;
    const outside = (event: PointerEvent) => {
      if (event.target instanceof Node && input.current?.contains(event.target) === true) return;
      editFlow((f) => setNoteText(f, data.noteId, draft));
      setDraft(null);
    };
    document.addEventListener("pointerdown", outside);
    return () => {
      document.removeEventListener("pointerdown", outside);
    };
  }, [draft, data.noteId, editFlow]);
  const keep = () => {
    if (draft !== null) editFlow((f) => setNoteText(f, data.noteId, draft));
    setDraft(null);
  };
  return (
    <div
      className={`note${selected ? " note--selected" : ""}`}
      data-testid="sticky-note"
      data-note-id={data.noteId}
      onDoubleClick={() => {
        setDraft(data.text);
      }}
    >
      {draft === null ? (
        <p className="note__text">{data.text}</p>
      ) : (
        <textarea
          className="note__input nodrag nowheel"
          data-testid="note-input"
          aria-label="Note"
          ref={input}
          placeholder="Write a note"
          value={draft}
          onChange={(event) => {
            setDraft(event.target.value);
          }}
          onBlur={keep}
          onKeyDown={(event) => {
            // Escape finishes writing (Enter is a new line); the canvas must not take it as a shortcut.
            if (event.key === "Escape") {
              event.stopPropagation();
              keep();
            }
          }}
        />
      )}
    </div>
  );
}

export const NoteNode = memo(NoteNodeView);
