/**
 * Access patterns (seed 001, phase 2): people grouped by role, and for each resource the share
 * of the group holding it. What everyone holds is the baseline policy; what 90% or more hold
 * likely belongs in it (the few without it are named); what fewer than half hold are outliers
 * to investigate (the few with it are named).
 */
export const patternDimensions = ["job_title", "department"] as const;
export type PatternDimension = (typeof patternDimensions)[number];

export type PatternBand = "all" | "most" | "some" | "outlier";

/** The shares that separate the bands; the SQL that counts them uses the same numbers. */
export const patternThresholds = { most: 0.9, outlierBelow: 0.5 } as const;

/** How many people a pattern names (who lacks a common resource, who holds an outlier). */
export const PATTERN_NAMES_LIMIT = 20;

export function patternBand(holders: number, groupSize: number): PatternBand {
  if (groupSize <= 0 || holders <= 0) return "outlier";
  if (holders >= groupSize) return "all";
  if (holders >= patternThresholds.most * groupSize) return "most";
  if (holders < patternThresholds.outlierBelow * groupSize) return "outlier";
  return "some";
}

export const bandLabels: Record<PatternBand, string> = {
  all: "Held by 100%",
  most: "Held by 90%+",
  some: "Held by 50–90%",
  outlier: "Outliers (< 50%)",
};

export interface PatternResource {
  resource: string;
  holders: number;
  /** how many in the group policy already gives it to */
  policyGives: number;
}

/**
 * What a draft policy should grant by default: what 90% or more of the group holds, unless
 * policy already gives it to the whole group (a draft repeating it would change nothing).
 */
export function defaultDraftResources(rows: readonly PatternResource[], groupSize: number): string[] {
  return rows
    .filter((r) => {
      const band = patternBand(r.holders, groupSize);
      return (band === "all" || band === "most") && r.policyGives < groupSize;
    })
    .map((r) => r.resource);
}
