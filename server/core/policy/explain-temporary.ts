import type { Explanation } from "./explain";

/**
 * Temporary access a person holds on a resource and that is open by the clock: an exception
 * (approved by someone or a rule) or what an allow fallback gave. Policy files do not hold
 * these; the database does.
 */
export interface HeldAccess {
  exceptionId: string;
  number: number;
  level: string | null;
  type: string;
  /** request | admin | fallback | lifecycle */
  source: string;
  /** who approved it (a name or an approval rule); for fallback access, null */
  approvedBy: string | null;
  /** the allow fallback that gave it, for fallback access */
  fallbackName: string | null;
  expiresAt: Date;
}

export interface HeldAccessAnswer extends HeldAccess {
  /** whether it counts as the person's access now */
  counts: boolean;
  /** why it does not count, when it does not */
  blockedBy: string | null;
}

/** Why a person has a resource or not, with the temporary access they hold counted as expected access counts it. */
export interface AccessExplanation extends Explanation {
  /** the person has the resource now: from policy, or from temporary access that counts */
  has: boolean;
  temporary: HeldAccessAnswer[];
}

/**
 * Whether temporary access on the explained resource counts (invariants 2-4): only for an
 * Active person, and never against a deny policy. The expiry is the caller's: it passes only
 * access open by the clock. Expected access and Explain both decide with this one rule.
 */
export function temporaryAccessCounts(e: Pick<Explanation, "active" | "employmentStatus" | "deniedBy">): {
  counts: boolean;
  blockedBy: string | null;
} {
  if (!e.active)
    return {
      counts: false,
      blockedBy: `the person is not Active (employment_status: ${e.employmentStatus ?? "no value"})`,
    };
  if (e.deniedBy.length)
    return {
      counts: false,
      blockedBy: `the deny polic${e.deniedBy.length === 1 ? "y" : "ies"} ${e.deniedBy.join(", ")} take${e.deniedBy.length === 1 ? "s" : ""} it away`,
    };
  return { counts: true, blockedBy: null };
}

/** The policy explanation with the person's temporary access on the same resource added. */
export function explainWithTemporaryAccess(e: Explanation, held: readonly HeldAccess[]): AccessExplanation {
  const rule = temporaryAccessCounts(e);
  const temporary = held.map((h) => ({ ...h, ...rule }));
  return { ...e, has: e.granted !== null || temporary.some((t) => t.counts), temporary };
}
