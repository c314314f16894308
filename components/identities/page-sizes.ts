/** Shared by server pages that prefetch and client components that fetch, so both ask the same query. */
export const HISTORY_PAGE_SIZE = 20;
