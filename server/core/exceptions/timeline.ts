import { endReasonText } from "./end-reason";

/** The steps of an exception's life, as seed 000's audit trail lists them. */
export interface TimelineStep {
  label:
    | "Requested"
    | "Proposed"
    | "Approved"
    | "Granted"
    | "Extended"
    | "Revoked"
    | "Removal delivered"
    | "Grant failed"
    | "Revoke failed";
  at: Date;
  detail: string;
}

export interface TimelineInput {
  requestedAt: Date | null;
  /** the IT admin who proposed it, when it was a proposal rather than the holder's own request */
  proposedBy?: string | null;
  approvedAt: Date;
  approvedBy: string;
  deliveredAt: Date | null;
  extensions: { approvedAt: Date; approvedBy: string; previousExpiresAt: Date; newExpiresAt: Date }[];
  endedAt: Date | null;
  endReason: string | null;
  endedBy: string | null;
  /** the reason given when it was revoked (or given back) */
  endNote?: string | null;
  removalDeliveredAt: Date | null;
  status: string;
  failedAt?: Date | null;
}

const DAY_MS = 86_400_000;
const dayOf = (d: Date) => Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());

function span(from: Date, to: Date): string {
  const days = Math.round((to.getTime() - from.getTime()) / DAY_MS);
  return days % 7 === 0 ? `${days / 7} week${days === 7 ? "" : "s"}` : `${days} day${days === 1 ? "" : "s"}`;
}

/**
 * The timeline in time order (a grant that lands after an extension shows below it), and its
 * length in calendar days from the request (or approval) to the end (seed 000: "Duration: 71 days"). */
export function exceptionTimeline(e: TimelineInput, now: Date): { steps: TimelineStep[]; durationDays: number } {
  const steps: TimelineStep[] = [];
  if (e.requestedAt)
    steps.push(
      e.proposedBy
        ? { label: "Proposed", at: e.requestedAt, detail: `by ${e.proposedBy} (IT)` }
        : { label: "Requested", at: e.requestedAt, detail: "" },
    );
  steps.push({ label: "Approved", at: e.approvedAt, detail: `by ${e.approvedBy}` });
  if (e.deliveredAt) steps.push({ label: "Granted", at: e.deliveredAt, detail: "the system confirmed" });
  else if (e.status === "grant_failed")
    steps.push({ label: "Grant failed", at: e.failedAt ?? e.approvedAt, detail: "the system did not confirm" });
  for (const x of e.extensions) {
    steps.push({
      label: "Extended",
      at: x.approvedAt,
      detail: `+${span(x.previousExpiresAt, x.newExpiresAt)}, approved by ${x.approvedBy}`,
    });
  }
  if (e.endedAt) {
    steps.push({
      label: "Revoked",
      at: e.endedAt,
      detail: `(${endReasonText({ endReason: e.endReason, endNote: e.endNote ?? null, endedBy: e.endedBy })})`,
    });
    if (e.removalDeliveredAt)
      steps.push({ label: "Removal delivered", at: e.removalDeliveredAt, detail: "the system confirmed" });
    else if (e.status === "revoke_failed")
      steps.push({
        label: "Revoke failed",
        at: e.failedAt ?? e.endedAt,
        detail: "the access may still be there: IT must act",
      });
  }
  // Sorting is stable: steps at the same moment keep the lifecycle's order (approved before granted).
  steps.sort((a, b) => a.at.getTime() - b.at.getTime());
  const start = e.requestedAt ?? e.approvedAt;
  const end = e.endedAt ?? now;
  return { steps, durationDays: Math.round((dayOf(end) - dayOf(start)) / DAY_MS) };
}
