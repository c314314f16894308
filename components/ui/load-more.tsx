"use client";

import { Button } from "./button";

/**
 * The foot of a list read a page at a time: how many are shown, and a button for the next page
 * while there is one (a real button: Tab reaches it, Enter and Space press it).
 */
export function LoadMore({
  shown,
  total,
  hasMore,
  loading,
  onMore,
  label = "results",
}: {
  shown: number;
  /** the whole count, when the page knows it cheaply */
  total?: number | null;
  hasMore: boolean;
  loading: boolean;
  onMore: () => void;
  label?: string;
}) {
  return (
    <nav
      aria-label="More results"
      className="flex items-center justify-between gap-4 border-t border-slate-100 px-1 pt-3 text-sm text-slate-600"
    >
      <p aria-live="polite">
        Showing <b>{shown}</b>
        {total != null ? (
          <>
            {" "}
            of <b>{total}</b>
          </>
        ) : null}{" "}
        {label}
        {!hasMore && shown > 0 && total == null ? " (all)" : ""}
      </p>
      {hasMore && (
        <Button variant="secondary" onClick={onMore} disabled={loading} aria-busy={loading}>
          {loading ? "Loading…" : "Load more"}
        </Button>
      )}
    </nav>
  );
}
