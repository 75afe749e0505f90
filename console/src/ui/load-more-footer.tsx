/**
 * The end of a list loaded a page at a time: how many items are shown, and the button for
 * the next page while there is one.
 */
export function LoadMoreFooter({
  count,
  noun,
  hasMore,
  loadingMore,
  onLoadMore,
  label = 'Load more',
}: {
  count: number;
  /** What is listed, singular and plural: `['function', 'functions']`. */
  noun: readonly [string, string];
  hasMore: boolean;
  loadingMore: boolean;
  onLoadMore(): void;
  label?: string;
}) {
  if (count === 0) return null;
  return (
    <div className="list-footer">
      <span className="muted" role="status">
        {count} {count === 1 ? noun[0] : noun[1]}
        {hasMore ? ' shown, more to load' : ''}
      </span>
      {hasMore ? (
        <button type="button" disabled={loadingMore} onClick={onLoadMore}>
          {loadingMore ? 'Loading…' : label}
        </button>
      ) : null}
    </div>
  );
}
