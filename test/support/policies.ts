import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import {
  compilePolicySet,
  isPolicyFile,
  loadPolicySet,
  type PolicyConfig,
  type PolicyFile,
} from "@/server/core/policy";
import { defaultScales } from "@/server/core/policy/types";
import { seedAliases, seedResources, seedSystems } from "@/server/db/seed/catalog";

export const demoPolicyDir = path.resolve(import.meta.dirname, "../../policies");

export function demoPolicyFiles(): PolicyFile[] {
  return readdirSync(demoPolicyDir)
    .filter(isPolicyFile)
    .map((f) => ({ path: f, source: readFileSync(path.join(demoPolicyDir, f), "utf8") }));
}

/** The demo organization's scales, aliases and system levels. */
export function demoConfig(): PolicyConfig {
  return {
    scales: { ...defaultScales },
    aliases: seedAliases.map((a) => ({ attribute: a.attribute, raw: a.raw, canonical: a.canonical })),
    systemLevels: Object.fromEntries(seedSystems.map((s) => [s.key, s.accessLevels])),
  };
}

export function compiledDemoPolicies(files = demoPolicyFiles()) {
  const loaded = loadPolicySet(files);
  if (loaded.problems.length) throw new Error(`demo policies do not parse: ${JSON.stringify(loaded.problems)}`);
  return compilePolicySet(loaded.policies, demoConfig());
}

/** The demo organization's systems (with levels) and resources, for lint. */
export function demoCatalog() {
  return {
    systems: Object.fromEntries(seedSystems.map((s) => [s.key, s.accessLevels])),
    resources: new Set(seedResources.map((r) => r.key)),
  };
}
