import { describe, expect, it } from "vitest";
import { afterVote, refusalToVote, stageOutcome, type Vote } from "./decision";

const managerStage = { threshold: { kind: "any" as const } };
const ownersStage = { threshold: { kind: "count" as const, n: 2 } };
const stages = [managerStage, ownersStage];

/** Every ordering of a list. */
function permutations<T>(xs: T[]): T[][] {
  if (xs.length <= 1) return [xs];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((rest) => [x, ...rest]));
}

/** Plays votes through the two-stage template: manager (any one), then resource owners (2 of 3). */
function play(votes: (Vote & { stage: number })[]) {
  let stage = 0;
  const cast: Record<number, Vote[]> = { 0: [], 1: [] };
  const steps: string[] = [];
  for (const v of votes) {
    if (v.stage !== stage) {
      steps.push(`ignored:${v.principalId}`);
      continue;
    }
    cast[stage]!.push(v);
    const step = afterVote(stages, stage, cast[stage]!);
    steps.push(step.kind);
    if (step.kind === "next_stage") stage = step.stage;
    if (step.kind === "denied" || step.kind === "approved") return { result: step.kind, steps };
  }
  return { result: "pending", steps };
}

describe("multi-stage approval", () => {
  it("approves after the manager and then any two of the three owners, in every order of the owners' votes", () => {
    const owners = ["o1", "o2", "o3"].map((id) => ({ principalId: id, decision: "approve" as const, stage: 1 }));
    for (const order of permutations(owners)) {
      const { result, steps } = play([{ principalId: "mgr", decision: "approve", stage: 0 }, ...order]);
      expect(result).toBe("approved");
      expect(steps).toEqual(["next_stage", "waiting", "approved"]);
    }
  });

  it("is denied by a deny at any point of any stage, whatever the other votes", () => {
    const votes: (Vote & { stage: number })[] = [
      { principalId: "o1", decision: "approve", stage: 1 },
      { principalId: "o2", decision: "deny", stage: 1 },
      { principalId: "o3", decision: "approve", stage: 1 },
    ];
    for (const order of permutations(votes)) {
      const { result } = play([{ principalId: "mgr", decision: "approve", stage: 0 }, ...order]);
      // The deny wins unless two approvals came first and approved the stage already.
      const firstTwo = order.slice(0, 2).every((v) => v.decision === "approve");
      expect(result).toBe(firstTwo ? "approved" : "denied");
    }
    expect(play([{ principalId: "mgr", decision: "deny", stage: 0 }]).result).toBe("denied");
  });

  it("counts each principal once: an owner and her own delegate are one approval, not two", () => {
    expect(
      stageOutcome(ownersStage, [
        { principalId: "o1", decision: "approve" },
        { principalId: "o1", decision: "approve" },
      ]),
    ).toBe("pending");
    expect(
      stageOutcome(ownersStage, [
        { principalId: "o1", decision: "approve" },
        { principalId: "o2", decision: "approve" },
      ]),
    ).toBe("approved");
  });

  it("refuses a second vote for the same principal, by the person or their delegate, and a second vote by the same person", () => {
    const o1Voted = [{ identityId: "o1", principalId: "o1", decision: "approve" as const }];
    // The delegate of o1 stands in for o1, who already voted.
    expect(refusalToVote("dee", "o1", o1Voted)).toMatch(/approver you stand in for already decided/);
    // o1 comes back after her delegate voted for her.
    expect(refusalToVote("o1", "o1", [{ identityId: "dee", principalId: "o1", decision: "approve" }])).toMatch(
      /Your delegate already decided/,
    );
    expect(refusalToVote("o1", "o1", o1Voted)).toMatch(/You already decided/);
    expect(refusalToVote("o2", "o2", o1Voted)).toBeNull();
  });

  it("ignores votes for a stage that is not current", () => {
    const { result, steps } = play([
      { principalId: "o1", decision: "approve", stage: 1 },
      { principalId: "mgr", decision: "approve", stage: 0 },
    ]);
    expect(steps[0]).toBe("ignored:o1");
    expect(result).toBe("pending");
  });
});
