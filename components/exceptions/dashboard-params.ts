/** The exceptions dashboard's filters as they appear in the URL. */
export interface DashboardParams {
  page: number;
  expiring?: 7 | 30;
  type?: string;
  system?: string;
  department?: string;
  status: "open" | "revoke_failed" | "ended" | "all";
  search?: string;
}

const statuses = ["open", "revoke_failed", "ended", "all"] as const;

export function parseDashboardParams(p: URLSearchParams): DashboardParams {
  const expiring = Number(p.get("expiring"));
  return {
    page: Math.max(1, Math.floor(Number(p.get("page")) || 1)),
    expiring: expiring === 7 || expiring === 30 ? expiring : undefined,
    type: p.get("type") || undefined,
    system: p.get("system") || undefined,
    department: p.get("department") || undefined,
    status: statuses.find((s) => s === p.get("status")) ?? "open",
    search: p.get("q")?.slice(0, 200) || undefined,
  };
}

export function dashboardQueryString(d: DashboardParams): string {
  const q = new URLSearchParams();
  if (d.expiring) q.set("expiring", String(d.expiring));
  if (d.type) q.set("type", d.type);
  if (d.system) q.set("system", d.system);
  if (d.department) q.set("department", d.department);
  if (d.status !== "open") q.set("status", d.status);
  if (d.search) q.set("q", d.search);
  if (d.page > 1) q.set("page", String(d.page));
  const s = q.toString();
  return s ? `?${s}` : "";
}
