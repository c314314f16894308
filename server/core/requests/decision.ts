import type { Stage } from "./template";

export type StageOutcome = "approved" | "denied" | "pending";

export interface Vote {
  /** whose vote it is: the voter's own, or, for a delegate, the approver they stand in for */
  principalId: string;
  decision: "approve" | "deny";
}

/** Approvals a stage needs: one, or N distinct principals. */
export const approvalsNeeded = (stage: Pick<Stage, "threshold">) =>
  stage.threshold.kind === "any" ? 1 : stage.threshold.n;

/**
 * A stage's outcome from its votes: any deny ends it; enough approvals from distinct principals
 * pass it. A delegate's vote is the delegator's, so an owner and her own delegate count once.
 */
export function stageOutcome(stage: Pick<Stage, "threshold">, votes: readonly Vote[]): StageOutcome {
  if (votes.some((v) => v.decision === "deny")) return "denied";
  const principals = new Set(votes.filter((v) => v.decision === "approve").map((v) => v.principalId));
  return principals.size >= approvalsNeeded(stage) ? "approved" : "pending";
}

/**
 * Why a vote may not be cast for `principalId` on a stage that already has `votes`, or null:
 * one person's decision counts once per stage, whether cast by them or by their delegate.
 */
export function refusalToVote(
  voterId: string,
  principalId: string,
  votes: readonly (Vote & { identityId: string })[],
): string | null {
  const mine = votes.find((v) => v.identityId === voterId);
  if (mine) return `You already decided this stage (${mine.decision}): a decision counts once per person`;
  const theirs = votes.find((v) => v.principalId === principalId);
  if (!theirs) return null;
  return principalId === voterId
    ? `Your delegate already decided this stage for you (${theirs.decision}): your decision counts once`
    : `The approver you stand in for already decided this stage (${theirs.decision}): their decision counts once`;
}

export type RequestStep =
  { kind: "denied" } | { kind: "next_stage"; stage: number } | { kind: "approved" } | { kind: "waiting" };

/** What a vote does to the request: ends it, moves it to the next stage, approves it, or waits for more votes. */
export function afterVote(
  stages: readonly Pick<Stage, "threshold">[],
  currentStage: number,
  votes: readonly Vote[],
): RequestStep {
  const outcome = stageOutcome(stages[currentStage]!, votes);
  if (outcome === "denied") return { kind: "denied" };
  if (outcome === "pending") return { kind: "waiting" };
  return currentStage + 1 < stages.length ? { kind: "next_stage", stage: currentStage + 1 } : { kind: "approved" };
}
