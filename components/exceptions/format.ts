import { exceptionStatusLabels, exceptionTypeLabels, type ExceptionStatus } from "@/server/core/exceptions/types";

export const typeLabel = (type: string) => exceptionTypeLabels[type as keyof typeof exceptionTypeLabels] ?? type;

/** "38 days", "5 hours", "20 minutes": time left, in the largest unit that is at least one. */
export function remaining(ms: number): string {
  if (ms <= 0) return "expired";
  const minutes = Math.floor(ms / 60_000);
  if (minutes >= 2 * 24 * 60) return `${Math.ceil(ms / 86_400_000)} days`;
  if (minutes >= 120) return `${Math.floor(minutes / 60)} hours`;
  return `${Math.max(1, minutes)} minute${minutes === 1 ? "" : "s"}`;
}

type Tone = "neutral" | "brand" | "green" | "amber" | "red";
const statusTones: Record<ExceptionStatus, Tone> = {
  granting: "amber",
  active: "green",
  grant_failed: "red",
  removing: "amber",
  removed: "neutral",
  revoke_failed: "red",
};
export const statusText: Record<string, { label: string; tone: Tone }> = Object.fromEntries(
  Object.entries(statusTones).map(([status, tone]) => [
    status,
    { label: exceptionStatusLabels[status as ExceptionStatus], tone },
  ]),
);
