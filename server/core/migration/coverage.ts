/**
 * Policy coverage of current access (seed 001, phase 4: "94% of access is defined by policy"):
 * every snapshot row is explained by policy (the person's expected access holds it), else
 * covered by an active exception, else explained by nothing. Nothing explains is what to
 * remediate, document as an exception, or write a policy for.
 */
export interface CoverageCounts {
  rows: number;
  policy: number;
  exception: number;
}

export interface CoverageShares extends CoverageCounts {
  unexplained: number;
  /** 0..1, null when there are no rows */
  policyShare: number | null;
  exceptionShare: number | null;
  unexplainedShare: number | null;
}

export function coverageShares(c: CoverageCounts): CoverageShares {
  const unexplained = c.rows - c.policy - c.exception;
  const of = (n: number) => (c.rows === 0 ? null : n / c.rows);
  return {
    ...c,
    unexplained,
    policyShare: of(c.policy),
    exceptionShare: of(c.exception),
    unexplainedShare: of(unexplained),
  };
}

export function sumCoverage(parts: readonly CoverageCounts[]): CoverageCounts {
  return parts.reduce(
    (sum, p) => ({ rows: sum.rows + p.rows, policy: sum.policy + p.policy, exception: sum.exception + p.exception }),
    { rows: 0, policy: 0, exception: 0 },
  );
}

/**
 * A share as a whole percentage, rounded down so that access nothing explains never shows as
 * 100%, and a little of it never as 0%.
 */
export function percentText(share: number | null): string {
  if (share === null) return "—";
  if (share >= 1) return "100%";
  if (share <= 0) return "0%";
  const whole = Math.floor(share * 100);
  return whole === 0 ? "<1%" : `${whole}%`;
}
