import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/api/root";

/** A pull's counts, as hr.directoryPulls gives them. */
type PullResult = NonNullable<inferRouterOutputs<AppRouter>["hr"]["directoryPulls"][number]["lastResult"]>;

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString("en")} ${n === 1 ? one : many}`;

/** "Full read: 28 hired, 2 changed, 1 left; groups: 1 new; 1 conflict; 3 requests, 2 × 429". */
export function pullSummary(r: PullResult): string {
  const u = r.users;
  const g = r.groups;
  const parts = [
    `${r.kind === "full" ? "Full read" : "Changes only"}: ${u.created} hired, ${u.changed} changed, ${u.left} left, ${u.unchanged} unchanged, ${u.skipped} skipped`,
    `groups: ${g.created} new, ${g.changed} changed, ${g.removed} removed`,
    ...(g.conflicts.length ? [g.conflicts.join("; ")] : []),
    ...(u.conflictCount ? [`${plural(u.conflictCount, "conflict")} (${u.conflicts.slice(0, 3).join("; ")})`] : []),
    `${plural(r.stats.requests, "request")}${r.stats.throttled ? `, ${r.stats.throttled} × 429 waited out` : ""}`,
  ];
  return parts.join("; ");
}
