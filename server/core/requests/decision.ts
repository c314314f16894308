import type { Stage } from "./template";

export type StageOutcome = "approved" | "denied" | "pending";

export interface Vote {
  identityId: string;
  decision: "approve" | "deny";
}

/** Approvals a stage needs: one, or N distinct people. */
export const approvalsNeeded = (stage: Pick<Stage, "threshold">) => (stage.threshold.kind === "any" ? 1 : stage.threshold.n);

/** A stage's outcome from its votes: any deny ends it; enough distinct approvals pass it. */
export function stageOutcome(stage: Pick<Stage, "threshold">, votes: readonly Vote[]): StageOutcome {
  if (votes.some((v) => v.decision === "deny")) return "denied";
  const approvers = new Set(votes.filter((v) => v.decision === "approve").map((v) => v.identityId));
  return approvers.size >= approvalsNeeded(stage) ? "approved" : "pending";
}

export type RequestStep =
  | { kind: "denied" }
  | { kind: "next_stage"; stage: number }
  | { kind: "approved" }
  | { kind: "waiting" };

/** What a vote does to the request: ends it, moves it to the next stage, approves it, or waits for more votes. */
export function afterVote(stages: readonly Pick<Stage, "threshold">[], currentStage: number, votes: readonly Vote[]): RequestStep {
  const outcome = stageOutcome(stages[currentStage]!, votes);
  if (outcome === "denied") return { kind: "denied" };
  if (outcome === "pending") return { kind: "waiting" };
  return currentStage + 1 < stages.length ? { kind: "next_stage", stage: currentStage + 1 } : { kind: "approved" };
}
