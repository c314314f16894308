/** A moment ("2 Dec 2026, 14:05 GMT+1") and a day ("2026-12-02") in the viewer's zone, the same everywhere. */
export { formatDay, formatWhen } from "@/server/core/time/format";

export type Tone = "neutral" | "brand" | "green" | "amber" | "red";

export const statusTone: Record<string, Tone> = {
  pending: "amber",
  needs_info: "brand",
  granting: "amber",
  approved: "green",
  denied: "red",
  cancelled: "neutral",
  expired: "neutral",
};

export const statusLabel: Record<string, string> = {
  pending: "waiting for approval",
  needs_info: "waiting for more information",
  granting: "approved, waiting for the system to confirm the grant",
  approved: "approved",
  denied: "denied",
  cancelled: "cancelled",
  expired: "expired",
};

/** How an approver came to be one, in words. */
export function viaLabel(via: string, names: Record<string, string> = {}): string {
  if (via === "person") return "named";
  if (via === "manager") return "manager";
  if (via === "resource_owner") return "resource owner";
  if (via.startsWith("group:")) return `group ${via.slice(6)}`;
  if (via.startsWith("escalation:")) return `escalation to ${via.slice(11)}`;
  if (via.startsWith("delegate:")) return `standing in for ${names[via.slice(9)] ?? "an approver who is away"}`;
  return via;
}
