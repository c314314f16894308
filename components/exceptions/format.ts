import { exceptionTypeLabels } from "@/server/core/exceptions/types";

export const typeLabel = (type: string) => exceptionTypeLabels[type as keyof typeof exceptionTypeLabels] ?? type;

/** "38 days", "5 hours", "20 minutes": time left, in the largest unit that is at least one. */
export function remaining(ms: number): string {
  if (ms <= 0) return "expired";
  const minutes = Math.floor(ms / 60_000);
  if (minutes >= 2 * 24 * 60) return `${Math.ceil(ms / 86_400_000)} days`;
  if (minutes >= 120) return `${Math.floor(minutes / 60)} hours`;
  return `${Math.max(1, minutes)} minute${minutes === 1 ? "" : "s"}`;
}

export const statusText: Record<string, { label: string; tone: "neutral" | "brand" | "green" | "amber" | "red" }> = {
  granting: { label: "Granting", tone: "amber" },
  active: { label: "Active", tone: "green" },
  grant_failed: { label: "Grant failed", tone: "red" },
  removing: { label: "Removing", tone: "amber" },
  removed: { label: "Removed", tone: "neutral" },
  revoke_failed: { label: "Revoke failed", tone: "red" },
};
