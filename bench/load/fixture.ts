import pg from "pg";
import { createDrizzle } from "@/server/db/client";
import { runMigrations } from "@/server/db/migrate";
import { chainAuditEvents } from "@/server/services/audit-sequencer";
import { seedIfEmpty } from "@/server/services/demo-organization";
import { refreshExpectedAccess } from "@/server/services/lifecycle/expected";
import { AUDIT_EVENTS, copyAuditEvents } from "./fixture-audit";
import { copyExceptions } from "./fixture-exceptions";
import { BULK_PEOPLE, copyPeople, LEAD_SPAN, LEADS, MANAGERS } from "./fixture-people";
import { submitRequests } from "./fixture-requests";
import {
  appUrl,
  cloneFromTemplate,
  createEmptyDatabase,
  databaseExists,
  ownerUrl,
  roles,
  dropDatabase,
  renameDatabase,
  staleTemplates,
  superUrl,
  templateName,
  withAdmin,
} from "./database";

/**
 * The 10,000-person company of issue 14, built once into a template database and cloned for every
 * run: the demo organization (305 people, its systems, policies and templates) through the app's
 * own seeding, 9,700 more people, 20,000 exceptions and a year of audit events with COPY, and
 * 4,995 pending requests through submitRequest. Pending requests are moved forward in time on
 * each clone, so reminders and expiry do not fire because the template is a few days old.
 */

export const PEOPLE = 305 + BULK_PEOPLE;

/** The people the benchmark signs in as (server/db/seed/people.ts), and the decision mix's approvers. */
export const personas = {
  cfo: "cfo@company.com",
  itAdmin: "priya.raman@company.com",
  auditor: "auditor@company.com",
  employee: "sarah.chen@company.com",
} as const;
export const leadEmail = (i: number) => `load.${String(i).padStart(5, "0")}@company.com`;
export const DECISION_APPROVERS = LEADS;

const log = (line: string) => console.log(`  fixture: ${line}`);

async function buildFixture(name: string): Promise<void> {
  await createEmptyDatabase(name);
  const pool = new pg.Pool({ connectionString: appUrl(name), max: 6 });
  pool.on("error", () => undefined);
  const db = createDrizzle(pool);
  const now = new Date();
  const clock = () => new Date();
  try {
    let t = Date.now();
    const step = (what: string) => {
      log(`${what} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
      t = Date.now();
    };
    await seedIfEmpty(db, clock);
    step("demo organization seeded through the app");
    const client = await pool.connect();
    try {
      const { rows: cto } = await client.query<{ id: string }>(
        "select id from identities where email = 'cto@company.com'",
      );
      const people = await copyPeople(client, cto[0]!.id, now);
      step(`${people.length} more people copied`);
      const { rows: it } = await client.query<{ id: string }>(
        "select id from identities where email = 'priya.raman@company.com'",
      );
      const { rows: all } = await client.query<{ id: string; email: string; display_name: string }>(
        "select id, email, display_name from identities",
      );
      await copyExceptions(
        client,
        all.map((r) => r.id),
        it[0]!.id,
        now,
      );
      step("20,000 exceptions copied");
      const { chained } = await copyAuditEvents(
        client,
        all.map((r) => ({ id: r.id, email: r.email, name: r.display_name })),
        now,
      );
      const how = chained ? "chained here" : "to be chained by the app's sequencer";
      step(`${AUDIT_EVENTS.toLocaleString("en-US")} audit events copied (${how})`);
      // Chained once, here: otherwise every run's instances spend their first minutes linking a year of events.
      if (!chained) {
        const linked = (await chainAuditEvents({ db })).chained;
        step(`${linked.toLocaleString("en-US")} events chained by the app's sequencer`);
      }
    } finally {
      client.release();
    }
    const { rows: bulk } = await pool.query<{ id: string; email: string; department: string | null }>(
      "select id, email, department from identities where external_id like 'load-%' and employment_status = 'Active' order by email",
    );
    const byIndex = (e: string) => Number(e.slice(5, 10));
    const reports = bulk.filter((p) => byIndex(p.email) >= LEADS + MANAGERS);
    // The sandbox is asked for by the leads' reports first (the decision mix), then by everyone else's.
    const sandbox = reports.map((p) => p.id);
    // Finance's own people may hold the reports through policy; the CFO decides for everyone else.
    const cfo = reports
      .filter((p) => byIndex(p.email) >= LEADS + MANAGERS + LEAD_SPAN && p.department !== "Finance")
      .reverse()
      .map((p) => p.id);
    const made = await submitRequests(db, { cfo, sandbox }, clock, log);
    step(`pending requests submitted through submitRequest: ${JSON.stringify(made.made)}`);
    await db.transaction((tx) => refreshExpectedAccess(tx, new Date()));
    step("expected access refreshed for everyone");
  } finally {
    await pool.end();
  }
  const su = new pg.Client({ connectionString: superUrl(name) });
  await su.connect();
  try {
    await su.query("vacuum analyze");
    await su.query(`comment on database ${su.escapeIdentifier(name)} is '${new Date().toISOString()}'`);
  } finally {
    await su.end();
  }
}

/** The template, built when missing (or when `rebuild`); returns how long that took (0 when reused). */
export async function ensureFixture(rebuild: boolean): Promise<{ template: string; builtMs: number }> {
  const template = templateName();
  if (!rebuild && (await databaseExists(template))) return { template, builtMs: 0 };
  const t0 = Date.now();
  const building = `${template}_building`;
  console.log(
    `building the fixture (10,005 people, 4,995 pending requests, 20,000 exceptions, 1,005,000 audit events)`,
  );
  try {
    await buildFixture(building);
    await dropDatabase(template);
    await renameDatabase(building, template);
    for (const stale of await staleTemplates()) if (!stale.endsWith("_building")) await dropDatabase(stale);
  } catch (err) {
    await dropDatabase(building).catch(() => undefined);
    throw err;
  }
  return { template, builtMs: Date.now() - t0 };
}

/** A run's own database, cloned from the template, its pending requests made recent again. */
export async function cloneForRun(template: string, name: string): Promise<void> {
  await cloneFromTemplate(template, name);
  // Migrations added since the template was built (another branch merged): applied as the owner, as a deploy would.
  await runMigrations(ownerUrl(name), { appRole: roles.app.name });
  const builtAt = await withAdmin(async (c) => {
    const { rows } = await c.query<{ d: string | null }>(
      "select shobj_description(oid, 'pg_database') as d from pg_database where datname = $1",
      [template],
    );
    return rows[0]?.d ? new Date(rows[0].d) : null;
  });
  if (!builtAt || Number.isNaN(builtAt.getTime())) return;
  const shiftMs = Date.now() - builtAt.getTime();
  const su = new pg.Client({ connectionString: superUrl(name) });
  await su.connect();
  try {
    await su.query(
      `update access_requests set created_at = created_at + $1 * interval '1 millisecond',
         stage_started_at = stage_started_at + $1 * interval '1 millisecond',
         requested_start = requested_start + $1 * interval '1 millisecond'
       where status in ('pending', 'needs_info')`,
      [shiftMs],
    );
  } finally {
    await su.end();
  }
}
