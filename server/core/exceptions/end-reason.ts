import { endReasonLabels, type EndReason } from "./types";

/** How an exception ended, as the holder, the exception page and the exception log all say it. */
export interface EndFacts {
  endReason: string | null;
  endNote: string | null;
  endedBy: string | null;
}

/**
 * "expired", "revoked: <reason> by <who>", "given back: <note> by <who>": the same words in
 * the notification, the timeline and the exception log, so the reason IT gave is never lost.
 */
export function endReasonText(e: EndFacts): string {
  if (e.endReason === null) return "";
  if (e.endReason === "expired") return "expired";
  const kind = (endReasonLabels[e.endReason as EndReason] ?? e.endReason).toLowerCase();
  const note = e.endNote?.trim();
  return `${kind}${note ? `: ${note}` : ""}${e.endedBy ? ` by ${e.endedBy}` : ""}`;
}
