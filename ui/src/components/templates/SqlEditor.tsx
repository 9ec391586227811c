// The SQL editor: CodeMirror 6 with SQL highlighting, `{{placeholders}}` marked, and the
// problems `templateProblems` found shown as lint diagnostics. The text is the store's: every
// change goes out through `onChange`, and a new `value` from outside replaces the text. Problems
// are applied only to the text they were found in (a check for text typed over since waits for
// the next one). Loaded lazily by `SqlField`, with CodeMirror in its own chunk.
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { StandardSQL, sql } from "@codemirror/lang-sql";
import { bracketMatching, defaultHighlightStyle, syntaxHighlighting } from "@codemirror/language";
import { lintGutter, setDiagnostics } from "@codemirror/lint";
import { EditorState } from "@codemirror/state";
import {
  Decoration,
  EditorView,
  MatchDecorator,
  ViewPlugin,
  drawSelection,
  highlightActiveLine,
  keymap,
  lineNumbers,
  type DecorationSet,
  type ViewUpdate,
} from "@codemirror/view";
import { useEffect, useRef } from "react";
import type { SqlProblem } from "../../api";
import { PLACEHOLDER, sqlDiagnostics } from "../../lib/sqlProblems";

const placeholderMarks = new MatchDecorator({ regexp: PLACEHOLDER, decoration: Decoration.mark({ class: "cm-sql-param" }) });

const placeholders = ViewPlugin.fromClass(
  class {
    decorations: DecorationSet;
    constructor(view: EditorView) {
      this.decorations = placeholderMarks.createDeco(view);
    }
    update(update: ViewUpdate) {
      this.decorations = placeholderMarks.updateDeco(update, this.decorations);
    }
  },
  { decorations: (plugin) => plugin.decorations },
);

const theme = EditorView.theme({
  "&": { fontSize: "13px", backgroundColor: "var(--surface)" },
  ".cm-content": { fontFamily: "var(--mono)", minHeight: "160px" },
  ".cm-gutters": { fontFamily: "var(--mono)", backgroundColor: "var(--surface-hover)", borderRight: "1px solid var(--border)" },
  "&.cm-focused": { outline: "none" },
});

type Props = {
  readonly value: string;
  /** The last check's problems and the text they were found in (null: none yet). */
  readonly checked: { readonly sql: string; readonly problems: readonly SqlProblem[] } | null;
  readonly onChange: (sql: string) => void;
};

export default function SqlEditor({ value, checked, onChange }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const first = useRef(value);
  const changed = useRef(onChange);

  useEffect(() => {
    changed.current = onChange;
  }, [onChange]);

  useEffect(() => {
    const parent = host.current;
    if (parent === null) return;
    const editor = new EditorView({
      parent,
      state: EditorState.create({
        doc: first.current,
        extensions: [
          lineNumbers(),
          history(),
          drawSelection(),
          highlightActiveLine(),
          bracketMatching(),
          sql({ dialect: StandardSQL }),
          syntaxHighlighting(defaultHighlightStyle),
          placeholders,
          lintGutter(),
          keymap.of([...defaultKeymap, ...historyKeymap]),
          EditorView.lineWrapping,
          EditorView.contentAttributes.of({ "aria-label": "SQL", "data-testid": "template-sql-input" }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) changed.current(update.state.doc.toString());
          }),
          theme,
        ],
      }),
    });
    view.current = editor;
    return () => {
      editor.destroy();
      view.current = null;
    };
  }, []);

  useEffect(() => {
    const editor = view.current;
    if (editor === null || editor.state.doc.toString() === value) return;
    editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: value } });
  }, [value]);

  useEffect(() => {
    const editor = view.current;
    if (editor === null || checked === null) return;
    const doc = editor.state.doc;
    if (doc.toString() !== checked.sql) return;
    const diagnostics = sqlDiagnostics(checked.problems, doc.length).map((d) => ({ ...d }));
    editor.dispatch(setDiagnostics(editor.state, diagnostics));
  }, [checked]);

  return <div className="sql-editor" ref={host} />;
}
