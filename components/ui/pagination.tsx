"use client";

import { Button } from "./button";

/** "Showing 26–50 of 305" with previous / next; pages are 1-based. */
export function Pagination({
  page,
  pageSize,
  total,
  onPage,
  label = "results",
}: {
  page: number;
  pageSize: number;
  total: number;
  onPage: (page: number) => void;
  label?: string;
}) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const from = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const to = Math.min(total, page * pageSize);
  if (total > 0 && page > pages) {
    return (
      <nav
        aria-label="Pagination"
        className="flex items-center justify-between gap-4 border-t border-slate-100 px-1 pt-3 text-sm text-slate-600"
      >
        <p>
          Page {page} is past the end: there are {total} {label} on {pages} page{pages === 1 ? "" : "s"}.
        </p>
        <Button variant="secondary" onClick={() => onPage(pages)}>
          Go to the last page
        </Button>
      </nav>
    );
  }
  return (
    <nav
      aria-label="Pagination"
      className="flex items-center justify-between gap-4 border-t border-slate-100 px-1 pt-3 text-sm text-slate-600"
    >
      <p>
        {total === 0 ? (
          `No ${label}`
        ) : (
          <>
            Showing <b>{from}</b>–<b>{to}</b> of <b>{total}</b> {label}
          </>
        )}
      </p>
      <div className="flex items-center gap-2">
        <Button variant="secondary" onClick={() => onPage(page - 1)} disabled={page <= 1}>
          Previous
        </Button>
        <span aria-live="polite">
          Page {page} of {pages}
        </span>
        <Button variant="secondary" onClick={() => onPage(page + 1)} disabled={page >= pages}>
          Next
        </Button>
      </div>
    </nav>
  );
}
