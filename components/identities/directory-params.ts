/** The identity directory's state as it appears in the URL, so a view can be shared and reloaded. */
import { identitySortKeys, type IdentitySortKey } from "@/server/core/identity/directory";

export type DirectorySort = IdentitySortKey;

export interface DirectoryParams {
  page: number;
  pageSize: number;
  search?: string;
  department?: string;
  status?: string;
  sort: DirectorySort;
  direction: "asc" | "desc";
}

export const DIRECTORY_PAGE_SIZE = 25;

type Raw = Record<string, string | string[] | undefined> | URLSearchParams;

export function parseDirectoryParams(raw: Raw): DirectoryParams {
  const get = (k: string) => {
    const v = raw instanceof URLSearchParams ? raw.get(k) : raw[k];
    return (Array.isArray(v) ? v[0] : v) || undefined;
  };
  const page = Math.max(1, Math.floor(Number(get("page")) || 1));
  const sort = identitySortKeys.find((k) => k === get("sort")) ?? "name";
  return {
    page,
    pageSize: DIRECTORY_PAGE_SIZE,
    search: get("q")?.slice(0, 200),
    department: get("department"),
    status: get("status"),
    sort,
    direction: get("dir") === "desc" ? "desc" : "asc",
  };
}

export function directoryQueryString(p: DirectoryParams): string {
  const q = new URLSearchParams();
  if (p.search) q.set("q", p.search);
  if (p.department) q.set("department", p.department);
  if (p.status) q.set("status", p.status);
  if (p.sort !== "name") q.set("sort", p.sort);
  if (p.direction !== "asc") q.set("dir", p.direction);
  if (p.page > 1) q.set("page", String(p.page));
  const s = q.toString();
  return s ? `?${s}` : "";
}
