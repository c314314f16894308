import type { CompiledPolicy, CompiledPolicySet, FlatGrant, PolicyIndex } from "./compile";
import { prepareIdentity, type PreparedIdentity } from "./prepare";
import type { ExpectedGrant, PolicyIdentity } from "./types";

/**
 * Expected access from policy (DESIGN.md, seed 001's calculate_expected_access):
 * an identity that is not Active gets nothing; matched allow policies grant their own and
 * their inherited grants; matched deny policies take grants away whatever gave them; between
 * allows of one resource the higher level wins, then the higher priority, then the shorter path.
 */
export function evaluateIdentity(set: CompiledPolicySet, identity: PolicyIdentity, at: Date): ExpectedGrant[] {
  return evaluatePrepared(set, prepareIdentity(set.layout, identity, at));
}

export function evaluatePrepared(set: CompiledPolicySet, p: PreparedIdentity): ExpectedGrant[] {
  if (!p.active) return [];
  const { allowed, denied } = matchedPolicies(set, p);
  const s = set.scratch;
  const gen = nextGeneration(set);
  for (const d of denied) for (const g of d.grants) s.denyStamp[g.resource] = gen;

  const winners: { grant: FlatGrant; policy: CompiledPolicy }[] = [];
  const slotOf = new Map<number, number>();
  for (const a of allowed) {
    for (const g of a.grants) {
      if (s.denyStamp[g.resource] === gen) continue;
      if (s.resourceStamp[g.resource] !== gen) {
        s.resourceStamp[g.resource] = gen;
        slotOf.set(g.resource, winners.length);
        winners.push({ grant: g, policy: a });
        continue;
      }
      const i = slotOf.get(g.resource)!;
      if (beats(g, a, winners[i]!.grant, winners[i]!.policy)) winners[i] = { grant: g, policy: a };
    }
  }
  return winners
    .map(({ grant }) => ({ resource: set.resources[grant.resource]!, level: grant.level, via: grant.via }))
    .sort((x, y) => (x.resource < y.resource ? -1 : x.resource > y.resource ? 1 : 0));
}

/**
 * Whether grant g (from policy gp) wins over grant h (from hp) for the same resource: higher
 * level, then higher priority, then shorter path, then the path that sorts first. Explain uses
 * the same rule, so both always name the same winner.
 */
export function beats(
  g: { rank: number; via: string[] },
  gp: { policy: { priority: number } },
  h: { rank: number; via: string[] },
  hp: { policy: { priority: number } },
): boolean {
  if (g.rank !== h.rank) return g.rank > h.rank;
  if (gp.policy.priority !== hp.policy.priority) return gp.policy.priority > hp.policy.priority;
  if (g.via.length !== h.via.length) return g.via.length < h.via.length;
  return g.via.join() < h.via.join();
}

function nextGeneration(set: CompiledPolicySet): number {
  const s = set.scratch;
  s.generation = (s.generation + 1) >>> 0;
  if (s.generation === 0) {
    s.policyStamp.fill(0);
    s.resourceStamp.fill(0);
    s.denyStamp.fill(0);
    s.generation = 1;
  }
  return s.generation;
}

/** The allow and deny policies whose conditions the person meets, found through the index. */
export function matchedPolicies(set: CompiledPolicySet, p: PreparedIdentity): { allowed: CompiledPolicy[]; denied: CompiledPolicy[] } {
  const gen = nextGeneration(set);
  return { allowed: matchIndex(set, set.allow, p, gen), denied: matchIndex(set, set.deny, p, gen) };
}

function matchIndex(set: CompiledPolicySet, index: PolicyIndex, p: PreparedIdentity, gen: number): CompiledPolicy[] {
  const stamp = set.scratch.policyStamp;
  const out: CompiledPolicy[] = [];
  const consider = (list: CompiledPolicy[] | undefined) => {
    if (!list) return;
    for (const cp of list) {
      if (stamp[cp.index] === gen) continue;
      stamp[cp.index] = gen;
      if (cp.match(p)) out.push(cp);
    }
  };
  for (const [slot, byKey] of index.buckets) {
    const t = p.text[slot];
    if (t != null) consider(byKey.get(t));
    else {
      const l = p.lists[slot];
      if (l) for (const v of l) consider(byKey.get(v));
    }
  }
  consider(index.unindexed);
  return out;
}

/** Every identity at once; the compiled set is reused, so this is the fast path for whole populations. */
export function evaluateAll(set: CompiledPolicySet, identities: readonly PolicyIdentity[], at: Date): Map<string, ExpectedGrant[]> {
  const out = new Map<string, ExpectedGrant[]>();
  for (const identity of identities) out.set(identity.id, evaluateIdentity(set, identity, at));
  return out;
}
