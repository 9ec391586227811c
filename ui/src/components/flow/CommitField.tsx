// A text field that commits its value when it loses focus or on Enter (one undo step for a
// whole value, not one per key), and shows the committed value again when it changes.
import { useState, type InputHTMLAttributes } from "react";

/** A text field that commits its value on blur or Enter, and shows the committed value again when it changes. */
export function CommitField({
  value,
  onCommit,
  ...input
}: { readonly value: string; readonly onCommit: (text: string) => void } & Omit<InputHTMLAttributes<HTMLInputElement>, "value" | "onChange">) {
  const [text, setText] = useState(value);
  const [shown, setShown] = useState(value);
  if (shown !== value) {
    setShown(value);
    setText(value);
  }
  const commit = () => {
    if (text !== value) onCommit(text);
  };
  return (
    <input
      {...input}
      className="field__input"
      value={text}
      onChange={(event) => {
        setText(event.target.value);
      }}
      onBlur={commit}
      onKeyDown={(event) => {
        if (event.key === "Enter") commit();
      }}
    />
  );
}
