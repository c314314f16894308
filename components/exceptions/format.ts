import { exceptionStatusLabels, exceptionTypeLabels, type ExceptionStatus } from "@/server/core/exceptions/types";

/** "38 days", "5 hours", "20 minutes": time left (date-fns). */
export { remaining } from "@/server/core/time/format";

export const typeLabel = (type: string) => exceptionTypeLabels[type as keyof typeof exceptionTypeLabels] ?? type;

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
