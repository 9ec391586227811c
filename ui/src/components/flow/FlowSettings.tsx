// The flow's own settings in the side panel: its global parameters (name, type, list, default),
// which every node's parameter of the same name receives, and its tags. Each change is an edit.
import { useState } from "react";
import type { Flow, GlobalParameter, ScalarType } from "../../api";
import { addGlobal, removeGlobal, setTags, updateGlobal, valueFromText } from "../../lib/edit";
import { formatValue } from "../../lib/format";
import { useAppActions } from "../../store";
import { CommitField } from "./CommitField";

const TYPES: readonly ScalarType[] = ["string", "integer", "decimal", "boolean", "date", "datetime", "json"];

export function GlobalsEditor({ flow }: { readonly flow: Flow }) {
  const { editFlow } = useAppActions();
  const globals = flow.composition.global_parameters;
  const update = (i: number, patch: Partial<GlobalParameter>) => {
    editFlow((f) => updateGlobal(f, i, patch));
  };
  return (
    <section>
      <h3>Global parameters</h3>
      {globals.length === 0 && <p className="muted">This flow has no global parameters.</p>}
      <ul className="globals" data-testid="global-parameters">
        {globals.map((g, i) => (
          <li key={i} className="global" data-testid="global-parameter" data-name={g.name}>
            <div className="inspector__row">
              <CommitField
                aria-label="Name"
                value={g.name}
                onCommit={(name) => {
                  if (name.trim() !== "") update(i, { name: name.trim() });
                }}
              />
              <select
                className="field__input"
                aria-label={`Type of ${g.name}`}
                value={g.type}
                onChange={(event) => {
                  update(i, { type: event.target.value as ScalarType });
                }}
              >
                {TYPES.map((t) => (
                  <option key={t} value={t}>
                    {t}
                  </option>
                ))}
              </select>
            </div>
            <div className="inspector__row">
              <CommitField
                aria-label={`Default of ${g.name}`}
                value={g.default === undefined || g.default === null ? "" : formatValue(g.default)}
                placeholder={g.list === true ? "default, comma-separated" : "default"}
                onCommit={(text) => {
                  update(i, { default: text.trim() === "" ? undefined : valueFromText(g, text) });
                }}
              />
              <label className="field--check global__list">
                <input
                  type="checkbox"
                  checked={g.list === true}
                  onChange={(event) => {
                    update(i, { list: event.target.checked });
                  }}
                />
                list
              </label>
              <button
                type="button"
                className="button button--ghost button--icon"
                aria-label={`Remove ${g.name}`}
                title={`Remove ${g.name}`}
                onClick={() => {
                  editFlow((f) => removeGlobal(f, i));
                }}
              >
                ×
              </button>
            </div>
          </li>
        ))}
      </ul>
      <button
        type="button"
        className="button"
        data-testid="add-global"
        onClick={() => {
          editFlow(addGlobal);
        }}
      >
        Add parameter
      </button>
    </section>
  );
}

export function TagsEditor({ flow }: { readonly flow: Flow }) {
  const { editFlow } = useAppActions();
  const [text, setText] = useState("");
  const tags = flow.composition.tags;
  const add = () => {
    if (text.trim() === "") return;
    editFlow((f) => setTags(f, [...tags, ...text.split(",")]));
    setText("");
  };
  return (
    <section>
      <h3>Tags</h3>
      <div className="tags-editor" data-testid="tags-editor">
        {tags.map((tag) => (
          <span key={tag} className="tag">
            {tag}
            <button
              type="button"
              className="tag__remove"
              aria-label={`Remove tag ${tag}`}
              onClick={() => {
                editFlow((f) => setTags(f, tags.filter((t) => t !== tag)));
              }}
            >
              ×
            </button>
          </span>
        ))}
        <input
          className="field__input tags-editor__input"
          aria-label="Add a tag"
          placeholder="add a tag"
          data-testid="tag-input"
          value={text}
          onChange={(event) => {
            setText(event.target.value);
          }}
          onBlur={add}
          onKeyDown={(event) => {
            if (event.key === "Enter") add();
          }}
        />
      </div>
    </section>
  );
}
