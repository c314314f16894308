import { exceptionTypeLabels } from "@/server/core/exceptions/types";

/** "38 days", "5 hours", "20 minutes": time left (date-fns). */
export { remaining } from "@/server/core/time/format";

export const typeLabel = (type: string) => exceptionTypeLabels[type as keyof typeof exceptionTypeLabels] ?? type;

export const statusText: Record<string, { label: string; tone: "neutral" | "brand" | "green" | "amber" | "red" }> = {
  granting: { label: "Granting", tone: "amber" },
  active: { label: "Active", tone: "green" },
  grant_failed: { label: "Grant failed", tone: "red" },
  removing: { label: "Removing", tone: "amber" },
  removed: { label: "Removed", tone: "neutral" },
  revoke_failed: { label: "Revoke failed", tone: "red" },
};
