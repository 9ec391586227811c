// The star that marks a flow as a favourite; clicking it never opens the flow it sits on.
import { StarIcon } from "./icons";

type Props = { readonly favorite: boolean; readonly onToggle: () => void };

export function FavoriteButton({ favorite, onToggle }: Props) {
  return (
    <button
      type="button"
      className={favorite ? "star star--on" : "star"}
      data-testid="favorite-toggle"
      aria-pressed={favorite}
      aria-label={favorite ? "Remove from favourites" : "Add to favourites"}
      title={favorite ? "Remove from favourites" : "Add to favourites"}
      onClick={(event) => {
        event.stopPropagation();
        onToggle();
      }}
    >
      <StarIcon filled={favorite} />
    </button>
  );
}
