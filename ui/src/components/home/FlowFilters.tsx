// The home screen's filter bar: search text, the favourites toggle and the tag chips.
import { useAppActions, useAppState } from "../../store";
import { SearchBox, TagChips } from "../FilterControls";
import { StarIcon } from "../icons";

export function FlowFilters() {
  const filter = useAppState((state) => state.filter);
  const tags = useAppState((state) => state.tags);
  const { setSearchText, setFavoritesOnly, toggleTag } = useAppActions();
  // A tag chosen before the chips loaded (or since removed) still shows, so it can be cleared.
  const chips = filter.tag === null || tags.includes(filter.tag) ? tags : [...tags, filter.tag];

  return (
    <div className="filters">
      <div className="filters__row">
        <SearchBox
          testId="search"
          label="Search flows"
          placeholder="Search flows by name or description"
          value={filter.text}
          onChange={setSearchText}
        />
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
      <TagChips tags={chips} selected={filter.tag} testId="tag-chip" onToggle={(tag) => void toggleTag(tag)} />
    </div>
  );
}
