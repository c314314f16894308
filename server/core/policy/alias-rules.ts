import type { HrAttribute } from "../identity/attributes";
import { matchKey } from "./normalize";
import type { Alias } from "./types";

/**
 * The HR attributes an alias may map: single text values. Not employment_status (the Active
 * rule reads it as written), hire_date, manager (an email) or trainings (a list).
 */
export const aliasableAttributes = [
  "department",
  "job_title",
  "team",
  "location",
  "employment_type",
  "job_level",
  "cost_center",
] as const satisfies readonly HrAttribute[];
export type AliasableAttribute = (typeof aliasableAttributes)[number];

const MAX_LENGTH = 200;

export interface AliasProblem {
  field: "attribute" | "raw" | "canonical";
  message: string;
  /** the alias clashes with one there is (rather than being malformed) */
  conflict: boolean;
}

/**
 * Checks a new alias against the ones there are. Values are trimmed; matching ignores case,
 * so an alias from "sales" to "Sales" would change nothing. Aliases map one step, so a chain
 * (a canonical value that is itself an alias, or a raw value others map to) is refused.
 */
export function checkNewAlias(
  input: { attribute: string; raw: string; canonical: string },
  existing: readonly Alias[],
): { ok: true; alias: Alias } | { ok: false; problem: AliasProblem } {
  const fail = (field: AliasProblem["field"], message: string, conflict = false) => ({
    ok: false as const,
    problem: { field, message, conflict },
  });
  const attribute = input.attribute.trim();
  const raw = input.raw.trim();
  const canonical = input.canonical.trim();
  if (!(aliasableAttributes as readonly string[]).includes(attribute))
    return fail("attribute", `attribute: must be one of ${aliasableAttributes.join(", ")}`);
  if (!raw) return fail("raw", "raw: give the value as HR spells it");
  if (!canonical) return fail("canonical", "canonical: give the value policies use");
  if (raw.length > MAX_LENGTH) return fail("raw", `raw: longer than ${MAX_LENGTH} characters`);
  if (canonical.length > MAX_LENGTH) return fail("canonical", `canonical: longer than ${MAX_LENGTH} characters`);
  if (matchKey(raw) === matchKey(canonical))
    return fail(
      "canonical",
      "canonical: the same as the raw value (matching already ignores case), so the alias would change nothing",
    );
  const same = (a: Alias) => a.attribute === attribute;
  const taken = existing.find((a) => same(a) && matchKey(a.raw) === matchKey(raw));
  if (taken)
    return fail("raw", `raw: there is already an alias for ${attribute} "${taken.raw}" (→ ${taken.canonical})`, true);
  const chained = existing.find((a) => same(a) && matchKey(a.raw) === matchKey(canonical));
  if (chained)
    return fail(
      "canonical",
      `canonical: "${chained.raw}" is itself an alias of "${chained.canonical}": map to "${chained.canonical}" instead`,
      true,
    );
  const target = existing.find((a) => same(a) && matchKey(a.canonical) === matchKey(raw));
  if (target) return fail("raw", `raw: "${raw}" is what "${target.raw}" maps to: it cannot be mapped on in turn`, true);
  return { ok: true, alias: { attribute, raw, canonical } };
}
