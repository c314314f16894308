import type { TemplateDefinition } from "./template";

/** The parts of a request the deadline rules read. */
export interface OpenRequest {
  status: string;
  currentStage: number;
  createdAt: Date;
  stageStartedAt: Date;
  escalatedStage: number | null;
  remindedAt: Date | null;
}

const MINUTE = 60_000;

const waitingOnApprovers = (r: OpenRequest) => r.status === "pending";

/** The stage has waited past its escalation window and has not been escalated yet. */
export function escalationDue(def: TemplateDefinition, r: OpenRequest, now: Date): { toGroup: string } | null {
  const escalation = def.stages[r.currentStage]?.escalation;
  if (!escalation || !waitingOnApprovers(r) || r.escalatedStage === r.currentStage) return null;
  return now.getTime() - r.stageStartedAt.getTime() >= escalation.afterMinutes * MINUTE
    ? { toGroup: escalation.toGroup }
    : null;
}

/** Approvers are reminded once per reminder window while the stage waits on them. */
export function reminderDue(def: TemplateDefinition, r: OpenRequest, now: Date): boolean {
  if (!waitingOnApprovers(r)) return false;
  const every = def.reminderAfterHours * 60 * MINUTE;
  const last = r.remindedAt && r.remindedAt > r.stageStartedAt ? r.remindedAt : r.stageStartedAt;
  return now.getTime() - last.getTime() >= every;
}

/** Nobody decided in time: a request still open N days after it was made expires. */
export function pendingExpired(def: TemplateDefinition, r: OpenRequest, now: Date): boolean {
  if (r.status !== "pending" && r.status !== "needs_info") return false;
  return now.getTime() - r.createdAt.getTime() >= def.pendingExpiryDays * 24 * 60 * MINUTE;
}
