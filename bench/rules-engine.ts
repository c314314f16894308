import { Engine, type NestedCondition, type RuleProperties, type TopLevelCondition } from "json-rules-engine";
import type { Condition, ExpectedGrant, Policy, PolicyConfig, PolicyIdentity } from "@/server/core/policy";
import { Normalizer, attributesOf, boundOf, personFacts, resolveGrants } from "./naive";

/**
 * The same policies as json-rules-engine rules: one rule per policy, whose event names the
 * policy. Facts are a person's normalized attributes (key, list of keys, or number for scales and
 * tenure); the grant resolution after matching is the naive evaluator's, so only matching differs.
 */

const numberFact = (attribute: string) => `${attribute}#number`;
const LIST_ATTRIBUTES = new Set(["trainings"]);

function translate(c: Condition, config: PolicyConfig, norm: Normalizer): NestedCondition {
  if (c.kind === "any") return { any: c.conditions.map((x) => translate(x, config, norm)) };
  if (c.kind === "all") return { all: c.conditions.map((x) => translate(x, config, norm)) };
  const values = (Array.isArray(c.value) ? c.value : [c.value]).map((v) => norm.key(c.attribute, String(v)));
  const fact = c.attribute;
  const list = LIST_ATTRIBUTES.has(fact);
  switch (c.op) {
    case "equals":
      return { fact, operator: list ? "contains" : "equal", value: values[0] };
    case "in":
      return list
        ? { any: values.map((value) => ({ fact, operator: "contains", value })) }
        : { fact, operator: "in", value: values };
    case "not_in":
      // a missing value is unknown: it does not satisfy not_in (the engine's rule)
      return {
        all: [
          { fact, operator: "notEqual", value: null },
          list
            ? { all: values.map((value) => ({ fact, operator: "doesNotContain", value })) }
            : { fact, operator: "notIn", value: values },
        ],
      };
    case "contains":
      return {
        fact,
        operator: list ? "someContains" : "substring",
        value: String(Array.isArray(c.value) ? c.value[0] : c.value)
          .trim()
          .toLowerCase(),
      };
    case "includes":
      return {
        all: values.map((value) => (list ? { fact, operator: "contains", value } : { fact, operator: "equal", value })),
      };
    case "min":
    case "max": {
      const bound = boundOf(c, config, norm);
      if (Number.isNaN(bound)) return { fact, operator: "never", value: null };
      return {
        fact: numberFact(fact),
        operator: c.op === "min" ? "greaterThanInclusive" : "lessThanInclusive",
        value: bound,
      };
    }
  }
}

export function policyToRule(policy: Policy, config: PolicyConfig, norm: Normalizer): RuleProperties {
  const conditions: TopLevelCondition = { all: policy.when.map((c) => translate(c, config, norm)) };
  return { name: policy.name, conditions, event: { type: policy.name, params: { effect: policy.effect } } };
}

export class RulesEngineEvaluator {
  private readonly engine: Engine;
  private readonly norm: Normalizer;
  private readonly byName: Map<string, Policy>;
  private readonly attributes: string[];

  constructor(
    policies: readonly Policy[],
    private readonly config: PolicyConfig,
  ) {
    this.norm = new Normalizer(config);
    this.byName = new Map(policies.map((p) => [p.name, p]));
    this.attributes = attributesOf(policies);
    this.engine = new Engine([], { allowUndefinedFacts: true });
    this.engine.addOperator<string | null, string>("substring", (a, b) => typeof a === "string" && a.includes(b));
    this.engine.addOperator<string[] | null, string>(
      "someContains",
      (a, b) => Array.isArray(a) && a.some((x) => x.includes(b)),
    );
    this.engine.addOperator<unknown, null>("never", () => false);
    for (const p of policies) this.engine.addRule(policyToRule(p, config, this.norm));
  }

  async evaluate(identity: PolicyIdentity, at: Date): Promise<ExpectedGrant[]> {
    const f = personFacts(identity, this.attributes, this.config, this.norm, at);
    if (!f.active) return [];
    const facts: Record<string, unknown> = {};
    for (const a of this.attributes) facts[a] = f.values.get(a) ?? null;
    for (const [a, n] of f.numbers) facts[numberFact(a)] = n;
    const { events } = await this.engine.run(facts);
    const allow: Policy[] = [];
    const deny: Policy[] = [];
    for (const e of events) {
      const p = this.byName.get(e.type)!;
      (p.effect === "deny" ? deny : allow).push(p);
    }
    return resolveGrants(allow, deny, this.byName, this.config);
  }
}
