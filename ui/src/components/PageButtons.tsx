// Previous / Next for a paged table: the results drawer's and the row browser's.

type Props = {
  /** The offset of the page before, or null on the first page. */
  readonly previous: number | null;
  readonly next: number | null;
  readonly onPage: (offset: number) => void;
  /** Test ids are `<prefix>-previous` and `<prefix>-next`. */
  readonly testIdPrefix: string;
};

export function PageButtons({ previous, next, onPage, testIdPrefix }: Props) {
  const button = (label: string, offset: number | null, id: string) => (
    <button
      type="button"
      className="button button--small"
      data-testid={`${testIdPrefix}-${id}`}
      disabled={offset === null}
      onClick={() => {
        if (offset !== null) onPage(offset);
      }}
    >
      {label}
    </button>
  );
  return (
    <>
      {button("Previous", previous, "previous")}
      {button("Next", next, "next")}
    </>
  );
}
