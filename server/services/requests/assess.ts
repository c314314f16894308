import { evaluateIdentity, explainAccess } from "@/server/core/policy";
import {
  levelCovers,
  overallAssessment,
  type Assessment,
  type GrantAssessment,
} from "@/server/core/requests/assessment";
import type { TemplateDefinition } from "@/server/core/requests/template";
import type { DbOrTx } from "@/server/db/client";
import { loadPolicyIdentities, policyEngine } from "../policies";

/** Where each grant of a template stands for a person: covered by their policies, refused by a deny policy, or outside. */
export async function assessGrants(
  db: DbOrTx,
  requesterId: string,
  grants: TemplateDefinition["grants"],
  at: Date,
): Promise<Assessment> {
  const [engine, [person]] = await Promise.all([policyEngine(db), loadPolicyIdentities(db, requesterId)]);
  if (!person) return overallAssessment(grants.map((g) => ({ ...g, status: "outside" })));
  const expected = new Map(evaluateIdentity(engine.compiled, person, at).map((g) => [g.resource, g]));
  const levels = engine.config.systemLevels;
  const out: GrantAssessment[] = grants.map((g) => {
    const held = expected.get(g.resource);
    if (held && levelCovers(levels[g.resource.split(":")[0]!], held.level, g.level))
      return { ...g, status: "covered", via: held.via };
    const deniedBy = explainAccess(engine.compiled, person, g.resource, at).deniedBy;
    if (deniedBy.length) return { ...g, status: "denied", denyPolicies: deniedBy };
    return { ...g, status: "outside" };
  });
  return overallAssessment(out);
}
