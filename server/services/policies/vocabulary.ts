import { policyVocabulary } from "@/server/core/policy";
import { listCatalog } from "../catalog";
import type { ServiceContext } from "../context";
import { loadPolicyIdentities, policyEngine } from "./engine";

/** Attribute names and values, policy names, resources and levels: what the policy editors complete. */
export async function loadPolicyVocabulary({ ctx }: { ctx: ServiceContext }) {
  const [engine, identities, catalog] = await Promise.all([
    policyEngine(ctx.db),
    loadPolicyIdentities(ctx.db),
    listCatalog({ ctx }),
  ]);
  return policyVocabulary({
    config: engine.config,
    identities,
    policies: engine.loaded.policies.map((p) => p.name),
    resources: catalog.resources,
    systems: catalog.systems,
  });
}
