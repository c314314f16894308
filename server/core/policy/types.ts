/**
 * The policy language's data model (docs/policy-language.md). Parsing produces these from
 * YAML; compiling turns a set of them into the fast form that evaluation uses.
 */

export type PolicyEffect = "allow" | "deny";

/** Where something came from in a policy file, for messages: file, 1-based line, field path. */
export interface SourceRef {
  file: string;
  line: number;
  field: string;
}

export type ComparisonOp = "equals" | "in" | "not_in" | "contains" | "min" | "max" | "includes";

export interface Comparison {
  kind: "compare";
  attribute: string;
  op: ComparisonOp;
  /** One value for equals/contains/min/max, a list for in/not_in/includes. */
  value: string | number | (string | number)[];
  at: SourceRef;
}

export interface AnyGroup {
  kind: "any";
  conditions: Condition[];
  at: SourceRef;
}

export interface AllGroup {
  kind: "all";
  conditions: Condition[];
  at: SourceRef;
}

export type Condition = Comparison | AnyGroup | AllGroup;

export interface GrantSpec {
  resource: string;
  /** null: the system's lowest level (or no levels at all). */
  level: string | null;
  at: SourceRef;
}

export interface Policy {
  name: string;
  description: string;
  priority: number;
  effect: PolicyEffect;
  inherits: string[];
  /** where `inherits:` is written (the policy's first line when it is not) */
  inheritsAt: SourceRef;
  /** All must hold. An empty list always holds. */
  when: Condition[];
  grants: GrantSpec[];
  file: string;
  at: SourceRef;
}

/** An ordered scale such as job_level: L1 < L2 < ... */
export type Scales = Record<string, string[]>;

export interface Alias {
  attribute: string;
  raw: string;
  canonical: string;
}

/** What evaluation needs besides the policies: scales, aliases, and systems' ordered levels. */
export interface PolicyConfig {
  scales: Scales;
  aliases: Alias[];
  /** system key → levels, lowest first; systems not named here have no ordering. */
  systemLevels: Record<string, string[]>;
}

export const defaultScales: Scales = {
  job_level: ["L1", "L2", "L3", "L4", "L5", "L6", "L7", "L8", "L9", "L10"],
};

export const emptyConfig = (): PolicyConfig => ({ scales: { ...defaultScales }, aliases: [], systemLevels: {} });

/** A person as the engine sees them: an id and HR attribute values (raw, before aliases). */
export interface PolicyIdentity {
  id: string;
  attributes: Record<string, string | string[] | null | undefined>;
}

/** One grant a person should have, and why. */
export interface ExpectedGrant {
  resource: string;
  level: string | null;
  /** The matched policy first, then each inherited policy down to the one that names the grant. */
  via: string[];
}

export interface PolicyProblem {
  severity: "error" | "warning";
  /** Stable code, e.g. unknown-attribute, cyclic-inherits. */
  code: string;
  message: string;
  file: string;
  line: number;
  field: string;
  policy?: string;
}
