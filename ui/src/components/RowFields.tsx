// The pieces of an editable list of rows: the headings above the rows, a row's cells (a text
// input, a type select, a flag, a small ghost button) and the list's "add" button. The table
// columns, template parameters and template output columns editors are made of them; each
// piece takes its test id and its accessible label, so the markup stays the editor's own.
import type { ReactNode } from "react";

/** A heading's text, or its text with a tooltip. */
type Heading = string | { readonly text: string; readonly title: string };

type HeadProps = {
  /** The grid's class; the headings row also has `<grid>--head`. */
  readonly grid: string;
  /** One a cell; "" over a cell that has none (the row's buttons). */
  readonly headings: readonly Heading[];
};

/** The headings over the rows; hidden from screen readers, each cell has its own label. */
export function HeadingRow({ grid, headings }: HeadProps) {
  return (
    <div className={`${grid} ${grid}--head`} aria-hidden="true">
      {headings.map((heading, index) =>
        typeof heading === "string" ? (
          <span key={index}>{heading === "" ? null : heading}</span>
        ) : (
          <span key={index} title={heading.title}>
            {heading.text}
          </span>
        ),
      )}
    </div>
  );
}

type TextProps = {
  readonly testId: string;
  readonly label: string;
  readonly value: string;
  readonly onChange: (text: string) => void;
  /** Set in the monospace face (names that go into SQL). */
  readonly mono?: boolean;
  readonly placeholder?: string;
  readonly title?: string;
};

export function TextCell({ testId, label, value, onChange, mono = false, placeholder, title }: TextProps) {
  return (
    <input
      className={mono ? "field__input field__input--mono" : "field__input"}
      data-testid={testId}
      aria-label={label}
      title={title}
      placeholder={placeholder}
      value={value}
      onChange={(event) => {
        onChange(event.target.value);
      }}
    />
  );
}

type TypeProps<T extends string> = {
  readonly testId: string;
  readonly label: string;
  readonly types: readonly T[];
  readonly value: T;
  readonly onChange: (type: T) => void;
};

export function TypeCell<T extends string>({ testId, label, types, value, onChange }: TypeProps<T>) {
  return (
    <select
      className="field__input"
      data-testid={testId}
      aria-label={label}
      value={value}
      onChange={(event) => {
        onChange(event.target.value as T);
      }}
    >
      {types.map((type) => (
        <option key={type} value={type}>
          {type}
        </option>
      ))}
    </select>
  );
}

type FlagProps = {
  readonly testId: string;
  readonly label: string;
  readonly checked: boolean;
  readonly onChange: (checked: boolean) => void;
  readonly className?: string;
};

export function FlagCell({ testId, label, checked, onChange, className }: FlagProps) {
  return (
    <input
      type="checkbox"
      className={className}
      data-testid={testId}
      aria-label={label}
      checked={checked}
      onChange={(event) => {
        onChange(event.target.checked);
      }}
    />
  );
}

type ButtonProps = {
  readonly testId: string;
  readonly label: string;
  readonly onClick: () => void;
  readonly disabled?: boolean;
  readonly children: ReactNode;
};

/** A row's own small button: remove it, move it. */
export function RowButton({ testId, label, onClick, disabled, children }: ButtonProps) {
  return (
    <button type="button" className="button button--small button--ghost" data-testid={testId} aria-label={label} disabled={disabled} onClick={onClick}>
      {children}
    </button>
  );
}

type AddProps = {
  /** The list's own class for its add button (where it sits). */
  readonly className: string;
  readonly testId: string;
  readonly onClick: () => void;
  readonly children: ReactNode;
};

export function AddRowButton({ className, testId, onClick, children }: AddProps) {
  return (
    <button type="button" className={`button button--small ${className}`} data-testid={testId} onClick={onClick}>
      {children}
    </button>
  );
}
