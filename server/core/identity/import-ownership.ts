import { diffAttributes, type AttributeChange, type AttributeValue, type HrAttribute } from "./attributes";
import type { ImportOutcome, ImportPlan } from "./import-plan";
import { splitByOwnership, type Authority, type OwnedAttributes } from "./ownership";

export interface ImportOwnership {
  /** what a CSV import owns */
  csv: OwnedAttributes;
  /** for someone a source manages: that source's declaration */
  authorityOf: (personId: string) => Authority | null;
}

const valuesOf = (changes: AttributeChange[]) =>
  Object.fromEntries(changes.map((c) => [c.attribute, c.newValue])) as Partial<Record<HrAttribute, AttributeValue>>;
const beforeOf = (changes: AttributeChange[]) =>
  Object.fromEntries(changes.map((c) => [c.attribute, c.oldValue])) as Partial<Record<HrAttribute, AttributeValue>>;

/**
 * The import as attribute ownership lets it apply (issue 16, point 3): values for attributes the
 * CSV import does not own, or that the person's managing source owns, are set aside as ignored,
 * shown in the preview and recorded when applied. A person left with no change is unchanged.
 */
export function withOwnership(plan: ImportPlan, ownership: ImportOwnership): ImportPlan {
  const outcomes = plan.outcomes.map((o): ImportOutcome => {
    if (o.kind === "unchanged") return o;
    if (o.kind === "new") {
      const { applied, ignored } = splitByOwnership(o.values, null, ownership.csv, null);
      const changes = o.changes.filter((c) => c.attribute in applied);
      return { ...o, values: applied, changes, ...(ignored.length ? { ignored } : {}) };
    }
    const { applied, ignored } = splitByOwnership(
      valuesOf(o.changes),
      beforeOf(o.changes),
      ownership.csv,
      ownership.authorityOf(o.person.id),
    );
    const changes = diffAttributes(beforeOf(o.changes), applied);
    const extra = ignored.length ? { ignored } : {};
    return changes.length ? { ...o, changes, ...extra } : { kind: "unchanged", row: o.row, person: o.person, ...extra };
  });
  return { ...plan, outcomes };
}
