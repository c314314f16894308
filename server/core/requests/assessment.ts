/**
 * Where a request stands against policy, for each grant the template gives (seed 004): already
 * covered by the person's policies, refused by a deny policy (named), or outside their policy
 * (an exception that needs approval).
 */
export type GrantAssessment =
  | { resource: string; level: string | null; status: "covered"; via: string[] }
  | { resource: string; level: string | null; status: "denied"; denyPolicies: string[] }
  | { resource: string; level: string | null; status: "outside" };

export interface Assessment {
  grants: GrantAssessment[];
  /** covered: everything already granted; denied: some deny policy refuses; outside: needs an exception */
  overall: "covered" | "denied" | "outside";
}

export function overallAssessment(grants: GrantAssessment[]): Assessment {
  const overall = grants.some((g) => g.status === "denied")
    ? "denied"
    : grants.every((g) => g.status === "covered")
      ? "covered"
      : "outside";
  return { grants, overall };
}

/** Whether a level granted by policy is at least the level asked for, on the system's ordered levels. */
export function levelCovers(
  levels: readonly string[] | undefined,
  held: string | null,
  wanted: string | null,
): boolean {
  if (wanted === null) return true;
  if (!levels) return held === wanted;
  return levels.indexOf(held ?? levels[0]!) >= levels.indexOf(wanted);
}
