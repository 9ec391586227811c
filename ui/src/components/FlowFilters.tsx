// The home screen's filter bar: search text, the favourites toggle and the tag chips.
import { useAppActions, useAppState } from "../store";
import { SearchIcon, StarIcon } from "./icons";

export function FlowFilters() {
  const filter = useAppState((state) => state.filter);
  const tags = useAppState((state) => state.tags);
  const { setSearchText, setFavoritesOnly, toggleTag } = useAppActions();
  // A tag chosen before the chips loaded (or since removed) still shows, so it can be cleared.
  const chips = filter.tag === null || tags.includes(filter.tag) ? tags : [...tags, filter.tag];

  return (
    <div className="filters">
      <div className="filters__row">
        <label className="search">
          <SearchIcon />
          <input
            type="search"
            data-testid="search"
            placeholder="Search flows by name or description"
            aria-label="Search flows"
            value={filter.text}
            onChange={(event) => {
              setSearchText(event.target.value);
            }}
            autoComplete="off"
            spellCheck={false}
          />
        </label>
        <button
          type="button"
          className={filter.favoritesOnly ? "toggle toggle--on" : "toggle"}
          data-testid="favorites-only"
          aria-pressed={filter.favoritesOnly}
          onClick={() => void setFavoritesOnly(!filter.favoritesOnly)}
        >
          <StarIcon filled={filter.favoritesOnly} size={14} />
          Favourites only
        </button>
      </div>
      {chips.length > 0 && (
        <div className="chips" role="group" aria-label="Filter by tag">
          {chips.map((tag) => (
            <button
              key={tag}
              type="button"
              className={tag === filter.tag ? "chip chip--on" : "chip"}
              data-testid="tag-chip"
              data-tag={tag}
              aria-pressed={tag === filter.tag}
              onClick={() => void toggleTag(tag)}
            >
              {tag}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
