// The command palette (Ctrl/Cmd+K): type to find a template to place or a command to run;
// arrows move, Enter chooses, Escape closes.
import { useId, useMemo, useState } from "react";
import type { TemplateDetail } from "../../api";
import { matchTemplates } from "../../lib/palette";
import { usePlaceInView } from "./TemplatePalette";
import { Modal } from "../Modal";

/** A command the palette offers besides placing templates. */
export type Command = { readonly id: string; readonly label: string; readonly keys: string; readonly run: () => void };

type Props = {
  readonly templates: readonly TemplateDetail[];
  readonly commands: readonly Command[];
  readonly onClose: () => void;
};

type Entry = { readonly key: string; readonly label: string; readonly hint: string; readonly choose: () => void };

export function CommandPalette({ templates, commands, onClose }: Props) {
  const listId = useId();
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const place = usePlaceInView();

  const entries: Entry[] = useMemo(() => {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    const matching = commands.filter((c) => words.every((w) => c.label.toLowerCase().includes(w)));
    return [
      ...matchTemplates(templates, query).map(({ template }) => ({
        key: `template:${template.template_id}`,
        label: `Add ${template.name}`,
        hint: template.category,
        choose: () => {
          place(template);
        },
      })),
      ...matching.map((c) => ({ key: `command:${c.id}`, label: c.label, hint: c.keys, choose: c.run })),
    ];
  }, [commands, templates, query, place]);

  const choose = (entry: Entry | undefined) => {
    if (entry === undefined) return;
    onClose();
    entry.choose();
  };

  return (
    <Modal onClose={onClose} testId="command-palette" className="command-palette" label="Command palette">
      <input
        // A palette opened from the keyboard is typed into at once.
        autoFocus
        className="command-palette__input"
        placeholder="Add a template or run a command…"
        role="combobox"
        aria-expanded="true"
        aria-controls={listId}
        aria-activedescendant={entries[active] ? `${listId}-${active}` : undefined}
        data-testid="command-input"
        value={query}
        onChange={(event) => {
          setQuery(event.target.value);
          setActive(0);
        }}
        onKeyDown={(event) => {
          if (event.key === "ArrowDown") setActive((a) => Math.min(a + 1, entries.length - 1));
          else if (event.key === "ArrowUp") setActive((a) => Math.max(a - 1, 0));
          else if (event.key === "Enter") choose(entries[active]);
          else return;
          event.preventDefault();
        }}
      />
      <ul className="command-palette__list" id={listId} role="listbox">
        {entries.map((entry, i) => (
          <li
            key={entry.key}
            id={`${listId}-${i}`}
            role="option"
            aria-selected={i === active}
            className={`command-palette__entry${i === active ? " command-palette__entry--active" : ""}`}
            data-testid="command-entry"
            onMouseEnter={() => {
              setActive(i);
            }}
            onClick={() => {
              choose(entry);
            }}
          >
            <span>{entry.label}</span>
            <span className="command-palette__hint">{entry.hint}</span>
          </li>
        ))}
        {entries.length === 0 && <li className="muted command-palette__none">Nothing matches “{query}”.</li>}
      </ul>
    </Modal>
  );
}
