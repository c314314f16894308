import type { ImportOutcome } from "@/server/core/identity/import-plan";
import { unknownValues, type PolicyIdentity } from "@/server/core/policy";
import type { ServiceContext } from "../context";
import { policyEngine } from "../policies/engine";
import { buildImport, importCounts } from "./build";

/**
 * What importing a CSV of people would do, changing nothing: who is new, every attribute that
 * changes (old → new), who stays as they are, every error by row and column, and values no
 * policy or alias knows (add an alias first). The fingerprint lets apply check that nothing
 * moved since.
 */
export async function previewIdentityImport({ ctx, input }: { ctx: ServiceContext; input: { csv: string } }) {
  const [{ table, plan, fingerprint }, engine] = await Promise.all([
    buildImport(ctx.db, input.csv, {
      lock: false,
      importerId: ctx.actor.type === "identity" ? ctx.actor.identityId : null,
    }),
    policyEngine(ctx.db),
  ]);
  const touched = plan.outcomes.filter(
    (o): o is Exclude<ImportOutcome, { kind: "unchanged" }> => o.kind !== "unchanged",
  );
  // Only the values this import sets: the ones people already have are the aliases page's business.
  const incoming: PolicyIdentity[] = touched.map((o) => ({
    id: `row-${o.row}`,
    attributes: Object.fromEntries(o.changes.map((c) => [c.attribute, c.newValue])),
  }));
  return {
    fingerprint,
    keyColumn: table.keyColumn,
    columns: table.attributes,
    counts: importCounts(plan),
    changes: touched
      .sort((a, b) => a.row - b.row)
      .map((o) => ({ row: o.row, kind: o.kind, person: o.person, changes: o.changes })),
    /** values set aside because a CSV import, or the source managing the person, owns the attribute */
    ignored: plan.outcomes
      .filter((o) => o.ignored?.length)
      .sort((a, b) => a.row - b.row)
      .map((o) => ({ row: o.row, person: o.person, ignored: o.ignored! })),
    problems: plan.problems,
    unknownValues: unknownValues(engine.loaded.policies, incoming, engine.config),
  };
}
