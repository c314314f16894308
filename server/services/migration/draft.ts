import { DomainError } from "@/server/core/errors";
import { draftPolicy } from "@/server/core/migration/draft-policy";
import type { PatternDimension } from "@/server/core/migration/patterns";
import type { ServiceContext } from "../context";
import { policyEngine } from "../policies/engine";
import { getGroupPattern } from "./patterns";

export interface DraftPolicyInput {
  dimension: PatternDimension;
  group: string;
  /** the resources to grant; by default what 90% or more hold and policy does not already give everyone */
  resources?: string[];
}

/**
 * A policy drafted from a group's pattern (seed 001, phase 3), as YAML for the policy editor.
 * Nothing is saved: the editor lints it, previews its impact, and saves it as a new version.
 */
export async function draftPolicyFromPattern({ ctx, input }: { ctx: ServiceContext; input: DraftPolicyInput }) {
  const [pattern, engine] = await Promise.all([getGroupPattern({ ctx, input }), policyEngine(ctx.db)]);
  const byResource = new Map(pattern.resources.map((r) => [r.resource, r]));
  input.resources?.forEach((resource, i) => {
    if (!byResource.has(resource)) {
      throw new DomainError(
        "INVALID_INPUT",
        `Nobody in ${pattern.group} holds ${resource} in the snapshot: a draft grants what the group holds`,
        { field: `resources.${i}` },
      );
    }
  });
  const chosen = input.resources ?? pattern.resources.filter((r) => r.inDefaultDraft).map((r) => r.resource);
  if (chosen.length === 0) {
    throw new DomainError(
      "INVALID_INPUT",
      `Nothing to draft for ${pattern.group}: no resource is held by 90% or more of the group that policy does not already give them all; choose resources`,
      { field: "resources" },
    );
  }
  const { name, source } = draftPolicy({
    dimension: input.dimension,
    value: pattern.group,
    groupSize: pattern.size,
    grants: chosen.map((resource) => {
      const row = byResource.get(resource)!;
      return { resource, level: row.level, holders: row.holders };
    }),
    systemLevels: engine.config.systemLevels,
    takenNames: new Set(engine.loaded.policies.map((p) => p.name)),
  });
  return { name, path: `${name}.yaml`, source, resources: chosen };
}
