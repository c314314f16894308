import { z } from "zod";
import { ldapAdapter, ldapConfigSchema } from "./ldap";
import { manualAdapter } from "./manual";
import { postgresAdapter, postgresConfigSchema } from "./postgres";
import { AdapterError, type Adapter } from "./types";
import { webhookAdapter, webhookConfigSchema } from "./webhook";

/** What the registry needs of a row of `systems`. */
export interface AdapterSystem {
  key: string;
  adapterKind: string;
  adapterConfig: unknown;
}

/** The manual adapter takes no settings: an empty object or nothing at all. */
export const manualConfigSchema = z.object({}).strict().nullish();

/** The config, checked against the kind's schema; a bad field is an AdapterError naming it. */
function validated<Schema extends z.ZodType>(schema: Schema, system: AdapterSystem): z.output<Schema> {
  const parsed = schema.safeParse(system.adapterConfig);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map(
    (issue) => `"${issue.path.length ? issue.path.join(".") : "(config)"}": ${issue.message}`,
  );
  throw new AdapterError(
    `System "${system.key}" has an invalid ${system.adapterKind} adapter config: ${problems.join("; ")}`,
    false,
  );
}

const factories = {
  ldap: (system: AdapterSystem) => ldapAdapter(validated(ldapConfigSchema, system), { systemKey: system.key }),
  postgres: (system: AdapterSystem) =>
    postgresAdapter(validated(postgresConfigSchema, system), { systemKey: system.key }),
  webhook: (system: AdapterSystem) => webhookAdapter(validated(webhookConfigSchema, system), { systemKey: system.key }),
  manual: (system: AdapterSystem) => {
    validated(manualConfigSchema, system);
    return manualAdapter();
  },
} satisfies Record<string, (system: AdapterSystem) => Adapter>;

export type AdapterKind = keyof typeof factories;
export const adapterKinds = Object.keys(factories) as AdapterKind[];

/**
 * The adapter for a system (`systems.adapter_kind` and its config). A wrong config or an unknown
 * kind is an AdapterError that retrying will not fix.
 */
export function adapterFor(system: AdapterSystem): Adapter {
  if (!Object.hasOwn(factories, system.adapterKind)) {
    throw new AdapterError(
      `System "${system.key}" names adapter kind "${system.adapterKind}", which is not one of ${adapterKinds.join(", ")}`,
      false,
    );
  }
  return factories[system.adapterKind as AdapterKind](system);
}
