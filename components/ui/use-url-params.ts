"use client";

import { usePathname, useSearchParams } from "next/navigation";

/**
 * A view's state (filters, sort, page) kept in the URL so it can be shared and reloaded.
 * history.replaceState changes the URL at once (Next.js's useSearchParams follows) without a
 * server round trip; each update starts from the URL as it is now, so a late update (a
 * debounced search) cannot undo a filter chosen since. Any change but paging returns to page 1.
 */
export function useUrlParams<T extends { page: number }>(
  parse: (params: URLSearchParams) => T,
  serialize: (params: T) => string,
): [T, (next: Partial<T>) => void] {
  const pathname = usePathname();
  const params = parse(new URLSearchParams(useSearchParams().toString()));
  const update = (next: Partial<T>) => {
    const current = parse(new URLSearchParams(window.location.search));
    window.history.replaceState(null, "", `${pathname}${serialize({ ...current, page: 1, ...next })}`);
  };
  return [params, update];
}
