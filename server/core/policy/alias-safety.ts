import { requirementText } from "./explain";
import { AliasTable, matchKey } from "./normalize";
import type { Comparison, Condition, Policy, PolicyConfig } from "./types";

/** A policy condition that reads a value as a value of its own. */
export interface PolicyUse {
  policy: string;
  file: string;
  line: number;
  /** e.g. "job_title is Sales Engineer", "job_title contains DBA" */
  requirement: string;
}

function comparisons(conditions: readonly Condition[], out: Comparison[] = []): Comparison[] {
  for (const c of conditions)
    if (c.kind === "compare") out.push(c);
    else comparisons(c.conditions, out);
  return out;
}

/**
 * The conditions that already treat `value` of `attribute` as itself: naming it (equals, in,
 * not_in, includes), matching it (contains), or ranking it on the attribute's scale (min, max).
 * An alias from such a value would change what those policies decide for everyone who has it,
 * merging two values policies tell apart ("Sales Engineer" → "Senior Sales Engineer"), so it is
 * never suggested and never saved.
 */
export function policyUsesOf(
  policies: readonly Policy[],
  config: PolicyConfig,
  attribute: string,
  value: string,
): PolicyUse[] {
  const aliases = new AliasTable(config.aliases);
  const key = aliases.key(attribute, value);
  const scale = config.scales[attribute]?.map(matchKey);
  const uses: PolicyUse[] = [];
  for (const p of policies) {
    for (const c of comparisons(p.when)) {
      if (c.attribute !== attribute) continue;
      const values = (Array.isArray(c.value) ? c.value : [c.value]).map(String);
      const reads =
        c.op === "contains"
          ? key.includes(matchKey(values[0]!))
          : c.op === "min" || c.op === "max"
            ? Boolean(scale?.includes(key))
            : values.some((v) => aliases.key(attribute, v) === key);
      if (reads) uses.push({ policy: p.name, file: c.at.file, line: c.at.line, requirement: requirementText(c) });
    }
  }
  return uses;
}
