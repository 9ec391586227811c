// The search box and the tag chips a list is filtered by: the home screen's flows and the
// templates beside the template editor. Controlled: the filter is the caller's.
import { SearchIcon } from "./icons";

type SearchProps = {
  readonly testId: string;
  readonly label: string;
  readonly placeholder: string;
  readonly value: string;
  readonly onChange: (text: string) => void;
};

export function SearchBox({ testId, label, placeholder, value, onChange }: SearchProps) {
  return (
    <label className="search">
      <SearchIcon />
      <input
        type="search"
        data-testid={testId}
        placeholder={placeholder}
        aria-label={label}
        value={value}
        onChange={(event) => {
          onChange(event.target.value);
        }}
        autoComplete="off"
        spellCheck={false}
      />
    </label>
  );
}

type ChipsProps = {
  readonly tags: readonly string[];
  /** The chip that is on, if any. */
  readonly selected: string | null;
  /** Each chip's test id; its tag is in `data-tag`. */
  readonly testId: string;
  readonly onToggle: (tag: string) => void;
};

/** One chip a tag; nothing while there are no tags. */
export function TagChips({ tags, selected, testId, onToggle }: ChipsProps) {
  if (tags.length === 0) return null;
  return (
    <div className="chips" role="group" aria-label="Filter by tag">
      {tags.map((tag) => (
        <button
          key={tag}
          type="button"
          className={tag === selected ? "chip chip--on" : "chip"}
          data-testid={testId}
          data-tag={tag}
          aria-pressed={tag === selected}
          onClick={() => {
            onToggle(tag);
          }}
        >
          {tag}
        </button>
      ))}
    </div>
  );
}
