import { createRequire } from "node:module";
import type pg from "pg";
import { getConstructionPlans, getMigrationPlans } from "pg-boss";

/** pg-boss keeps its jobs in this schema (server/jobs/worker.ts). */
export const JOB_SCHEMA = "pgboss";
/** The version of pg-boss's schema the installed package expects. */
export const JOB_SCHEMA_VERSION: number = (
  createRequire(import.meta.url)("pg-boss/package.json") as { pgboss: { schema: number } }
).pgboss.schema;

/** The installed version of pg-boss's schema, or null when it is not installed. */
export async function jobSchemaVersion(client: Pick<pg.ClientBase, "query">): Promise<number | null> {
  const { rows } = await client.query<{ name: string | null }>("select to_regclass($1) as name", [
    `${JOB_SCHEMA}.version`,
  ]);
  if (!rows[0]?.name) return null;
  const version = await client.query<{ version: string }>(`select version from ${JOB_SCHEMA}.version`);
  return version.rows[0] ? Number(version.rows[0].version) : null;
}

/**
 * Creates or upgrades pg-boss's schema as the connected role (the owner), with pg-boss's own
 * plans, so the app's pg-boss starts with `migrate: false` and needs no right to create anything.
 * Migration plans build their indexes inline, so nothing is left for a background migration worker.
 */
export async function installJobSchema(client: pg.ClientBase): Promise<void> {
  const version = await jobSchemaVersion(client);
  if (version === null) await client.query(getConstructionPlans(JOB_SCHEMA));
  else if (version < JOB_SCHEMA_VERSION) await client.query(getMigrationPlans(JOB_SCHEMA, version));
}
