import type { NotificationPolicy, Stage } from "./template";

/** What deciding who approves needs to know, loaded by the service. */
export interface ApproverContext {
  /** who the access is for, and, for an exception IT proposed, who proposed it */
  requester: { id: string; managerId: string | null; proposerId?: string | null };
  /** everyone who might be named: whether they are Active */
  people: Map<string, { active: boolean }>;
  personByEmail: Map<string, string>;
  /** group key → member ids in the group's order */
  groups: Map<string, string[]>;
  /** owners of the resources the template grants */
  resourceOwners: string[];
  /** out-of-office delegations in force now */
  delegations: { delegatorId: string; delegateId: string }[];
}

export interface Approver {
  identityId: string;
  /** person, group:<key>, manager, resource_owner, delegate:<delegator id>, escalation:<group> */
  via: string;
}

/**
 * Who may decide a stage (DESIGN.md invariant 5): the people the stage names, resolved; never
 * the requester or the IT admin who proposed the access; never someone who is not Active; never
 * a delegate of either; and, for an approver who is out of office, their delegate as well
 * (unless the delegate is named in their own right: then they decide for themselves).
 */
export function resolveApprovers(stage: Pick<Stage, "approvers">, ctx: ApproverContext): Approver[] {
  const named: Approver[] = [];
  for (const ref of stage.approvers) {
    if (ref.kind === "person") {
      const id = ctx.personByEmail.get(ref.email.toLowerCase());
      if (id) named.push({ identityId: id, via: "person" });
    } else if (ref.kind === "group") {
      for (const id of ctx.groups.get(ref.group) ?? []) named.push({ identityId: id, via: `group:${ref.group}` });
    } else if (ref.kind === "manager") {
      if (ctx.requester.managerId) named.push({ identityId: ctx.requester.managerId, via: "manager" });
    } else {
      for (const id of ctx.resourceOwners) named.push({ identityId: id, via: "resource_owner" });
    }
  }
  const namedIds = new Set(named.map((a) => a.identityId));
  const withDelegates: Approver[] = [];
  for (const a of named) {
    withDelegates.push(a);
    for (const d of ctx.delegations) {
      if (d.delegatorId === a.identityId && !namedIds.has(d.delegateId))
        withDelegates.push({ identityId: d.delegateId, via: `delegate:${a.identityId}` });
    }
  }
  return eligible(withDelegates, ctx);
}

/** The members of a group added when a stage escalates, under the same rules. */
export function escalationApprovers(group: string, ctx: ApproverContext): Approver[] {
  return eligible(
    (ctx.groups.get(group) ?? []).map((id) => ({ identityId: id, via: `escalation:${group}` })),
    ctx,
  );
}

function eligible(candidates: Approver[], ctx: ApproverContext): Approver[] {
  const askers = askersOf({ requesterId: ctx.requester.id, proposedBy: ctx.requester.proposerId ?? null });
  const askerDelegates = new Set(
    ctx.delegations.filter((d) => askers.includes(d.delegatorId)).map((d) => d.delegateId),
  );
  const seen = new Set<string>();
  const out: Approver[] = [];
  for (const a of candidates) {
    if (seen.has(a.identityId)) continue;
    if (askers.includes(a.identityId)) continue;
    if (askerDelegates.has(a.identityId)) continue;
    if (!ctx.people.get(a.identityId)?.active) continue;
    seen.add(a.identityId);
    out.push(a);
  }
  return out;
}

/** The people on the asking side of a request: the requester, and the IT admin who proposed it. */
const askersOf = (request: { requesterId: string; proposedBy?: string | null }) =>
  request.proposedBy ? [request.requesterId, request.proposedBy] : [request.requesterId];

/** Why someone may not decide a request, or null when they may. */
export function refusalToDecide(
  deciderId: string,
  request: { requesterId: string; proposedBy?: string | null },
  approversOfStage: readonly Approver[],
  ctx: Pick<ApproverContext, "people" | "delegations">,
): string | null {
  if (deciderId === request.requesterId) return "Nobody approves their own request";
  if (deciderId === request.proposedBy) return "Nobody approves what they proposed: the approver they named decides";
  if (ctx.delegations.some((d) => d.delegatorId === request.requesterId && d.delegateId === deciderId)) {
    return "A delegate cannot decide a request of the person who delegated to them";
  }
  if (
    request.proposedBy &&
    ctx.delegations.some((d) => d.delegatorId === request.proposedBy && d.delegateId === deciderId)
  ) {
    return "A delegate cannot decide what the person who delegated to them proposed";
  }
  if (!ctx.people.get(deciderId)?.active) return "Only Active people can decide requests";
  if (!approversOfStage.some((a) => a.identityId === deciderId))
    return "You are not an approver of this request's current stage";
  return null;
}

/** Whose vote a decider casts: their own, or, as a delegate, the vote of the approver they stand in for. */
export function principalOf(approver: Approver): string {
  return approver.via.startsWith("delegate:") ? approver.via.slice("delegate:".length) : approver.identityId;
}

/**
 * Who is told about a stage: everyone (all), the first N (first_n), N picked at random
 * (random_n), or the next one in turn (round_robin, which returns the new position). Approvers
 * out of office are skipped in favour of their delegates.
 */
export function chooseRecipients(
  approvers: readonly Approver[],
  policy: NotificationPolicy,
  count: number,
  options: { random: () => number; rotation: number; away: ReadonlySet<string> },
): { recipients: string[]; rotation: number } {
  const pool = approvers.filter((a) => !options.away.has(a.identityId)).map((a) => a.identityId);
  if (pool.length === 0) return { recipients: [], rotation: options.rotation };
  switch (policy) {
    case "all":
      return { recipients: pool, rotation: options.rotation };
    case "first_n":
      return { recipients: pool.slice(0, count), rotation: options.rotation };
    case "random_n": {
      const shuffled = [...pool];
      for (let i = shuffled.length - 1; i > 0; i--) {
        const j = Math.floor(options.random() * (i + 1));
        [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
      }
      return { recipients: shuffled.slice(0, count), rotation: options.rotation };
    }
    case "round_robin": {
      const at = options.rotation % pool.length;
      return { recipients: [pool[at]!], rotation: at + 1 };
    }
  }
}
