import { describe, expect, it } from "vitest";
import {
  chooseRecipients,
  escalationApprovers,
  principalOf,
  refusalToDecide,
  resolveApprovers,
  type ApproverContext,
} from "./approvers";

const ctx = (over: Partial<ApproverContext> = {}): ApproverContext => ({
  requester: { id: "sarah", managerId: "john" },
  people: new Map(["sarah", "john", "cfo", "ann", "bob", "tom", "dee"].map((id) => [id, { active: id !== "tom" }])),
  personByEmail: new Map([["cfo@company.com", "cfo"]]),
  groups: new Map([
    ["finance-approvers", ["cfo", "ann", "tom", "sarah"]],
    ["leads", ["bob"]],
  ]),
  resourceOwners: ["ann"],
  delegations: [],
  ...over,
});

describe("who approves", () => {
  it("resolves people, groups, the manager and resource owners, without the requester or anyone not Active", () => {
    const approvers = resolveApprovers(
      {
        approvers: [
          { kind: "person", email: "CFO@company.com" },
          { kind: "group", group: "finance-approvers" },
          { kind: "manager" },
          { kind: "resource_owner" },
        ],
      },
      ctx(),
    );
    expect(approvers).toEqual([
      { identityId: "cfo", via: "person" },
      { identityId: "ann", via: "group:finance-approvers" },
      { identityId: "john", via: "manager" },
    ]);
  });

  it("adds the delegate of an approver who is away, but never a delegate of the requester", () => {
    const approvers = resolveApprovers(
      { approvers: [{ kind: "manager" }, { kind: "person", email: "cfo@company.com" }] },
      ctx({
        delegations: [
          { delegatorId: "john", delegateId: "dee" },
          { delegatorId: "sarah", delegateId: "cfo" },
        ],
      }),
    );
    expect(approvers).toEqual([
      { identityId: "john", via: "manager" },
      { identityId: "dee", via: "delegate:john" },
    ]);
  });

  it("refuses self-approval, the requester's delegate, someone not Active and someone not asked", () => {
    const c = ctx({ delegations: [{ delegatorId: "sarah", delegateId: "dee" }] });
    const stage = [
      { identityId: "john", via: "manager" },
      { identityId: "tom", via: "person" },
      { identityId: "dee", via: "person" },
    ];
    expect(refusalToDecide("sarah", { requesterId: "sarah" }, stage, c)).toBe("Nobody approves their own request");
    expect(refusalToDecide("dee", { requesterId: "sarah" }, stage, c)).toMatch(/delegate cannot decide/);
    expect(refusalToDecide("tom", { requesterId: "sarah" }, stage, c)).toMatch(/Only Active people/);
    expect(refusalToDecide("bob", { requesterId: "sarah" }, stage, c)).toMatch(/not an approver/);
    expect(refusalToDecide("john", { requesterId: "sarah" }, stage, c)).toBeNull();
  });

  it("an approver named in their own right decides for themselves, not as someone's delegate", () => {
    const approvers = resolveApprovers(
      {
        approvers: [
          { kind: "group", group: "finance-approvers" },
          { kind: "person", email: "cfo@company.com" },
        ],
      },
      ctx({ delegations: [{ delegatorId: "cfo", delegateId: "ann" }] }),
    );
    expect(approvers).toEqual([
      { identityId: "cfo", via: "group:finance-approvers" },
      { identityId: "ann", via: "group:finance-approvers" },
    ]);
    expect(approvers.map(principalOf)).toEqual(["cfo", "ann"]);
    expect(principalOf({ identityId: "dee", via: "delegate:john" })).toBe("john");
  });

  it("for a proposal, never the IT admin who proposed it nor their delegate, and the proposer may not decide", () => {
    const c = ctx({
      requester: { id: "sarah", managerId: "john", proposerId: "bob" },
      delegations: [{ delegatorId: "bob", delegateId: "dee" }],
    });
    const approvers = resolveApprovers(
      {
        approvers: [
          { kind: "person", email: "cfo@company.com" },
          { kind: "group", group: "leads" },
          { kind: "manager" },
        ],
      },
      c,
    );
    expect(approvers.map((a) => a.identityId)).toEqual(["cfo", "john"]);
    const stage = [
      { identityId: "bob", via: "person" },
      { identityId: "dee", via: "person" },
      { identityId: "cfo", via: "person" },
    ];
    const request = { requesterId: "sarah", proposedBy: "bob" };
    expect(refusalToDecide("bob", request, stage, c)).toMatch(/Nobody approves what they proposed/);
    expect(refusalToDecide("dee", request, stage, c)).toMatch(
      /delegate cannot decide what the person who delegated to them proposed/,
    );
    expect(refusalToDecide("cfo", request, stage, c)).toBeNull();
  });

  it("escalates to a group's Active members", () => {
    expect(escalationApprovers("finance-approvers", ctx())).toEqual([
      { identityId: "cfo", via: "escalation:finance-approvers" },
      { identityId: "ann", via: "escalation:finance-approvers" },
    ]);
  });
});

describe("who is notified", () => {
  const approvers = ["a", "b", "c", "d"].map((id) => ({ identityId: id, via: "group:x" }));
  const none = new Set<string>();

  it.each([
    ["all", 1, ["a", "b", "c", "d"]],
    ["first_n", 2, ["a", "b"]],
  ] as const)("%s with %i", (policy, count, expected) => {
    expect(chooseRecipients(approvers, policy, count, { random: () => 0, rotation: 0, away: none }).recipients).toEqual(
      expected,
    );
  });

  it("random_n picks N distinct approvers", () => {
    let seed = 3;
    const random = () => (seed = (seed * 9301 + 49297) % 233280) / 233280;
    const { recipients } = chooseRecipients(approvers, "random_n", 2, { random, rotation: 0, away: none });
    expect(new Set(recipients).size).toBe(2);
  });

  it("round_robin takes turns and skips whoever is away", () => {
    let rotation = 0;
    const seen: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = chooseRecipients(approvers, "round_robin", 1, { random: Math.random, rotation, away: new Set(["b"]) });
      seen.push(...r.recipients);
      rotation = r.rotation;
    }
    expect(seen).toEqual(["a", "c", "d", "a", "c"]);
  });
});
