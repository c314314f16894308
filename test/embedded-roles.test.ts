import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { PgBoss } from "pg-boss";
import { afterAll, describe, expect, it } from "vitest";
import { prepareDatabase } from "@/server/db/bootstrap";
import { freePort, startEmbeddedPostgres } from "@/server/db/embedded";
import { EMBEDDED_APP_ROLE, EMBEDDED_OWNER_ROLE, rolePasswordFile } from "@/server/db/embedded-roles";
import { runMigrations } from "@/server/db/migrate";

/**
 * The project's own PostgreSQL creates the owner and app roles: in a new data directory, and in
 * one made before the roles existed, where everything belongs to the superuser until the first
 * start hands it to the owner.
 */
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function query<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(text, values)).rows;
  } finally {
    await c.end();
  }
}

/** Who owns what in Clearance's schemas, and what the database belongs to. */
const ownership = (url: string) =>
  query<{ owner: string; n: number }>(
    url,
    `select pg_get_userbyid(owner) as owner, count(*)::int as n from (
       select c.relowner as owner from pg_class c where c.relnamespace::regnamespace::text in ('public', 'drizzle', 'pgboss')
       union all select n.nspowner from pg_namespace n where n.nspname in ('drizzle', 'pgboss')
       union all select p.proowner from pg_proc p where p.pronamespace::regnamespace::text in ('public', 'pgboss')
       union all select t.typowner from pg_type t where t.typnamespace::regnamespace::text in ('public', 'pgboss') and t.typtype = 'e'
       union all select d.datdba from pg_database d where d.datname = current_database()
     ) o group by 1 order by 1`,
  );

describe("the project's own PostgreSQL and its roles", () => {
  it("creates the owner and the app role for a new data directory, with generated passwords kept beside it", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "clearance-roles-"));
    dirs.push(dir);
    const prepared = await prepareDatabase(
      { CLEARANCE_DATA_DIR: dir, CLEARANCE_PG_PORT: String(await freePort()) },
      { strict: true },
    );
    try {
      expect(prepared.warning).toBeNull();
      expect(new URL(prepared.url).username).toBe(EMBEDDED_APP_ROLE);
      expect(new URL(prepared.ownerUrl).username).toBe(EMBEDDED_OWNER_ROLE);
      for (const role of [EMBEDDED_OWNER_ROLE, EMBEDDED_APP_ROLE]) {
        const file = rolePasswordFile(path.join(dir, "pg"), role);
        expect(statSync(file).mode & 0o777).toBe(0o600);
        expect(readFileSync(file, "utf8").length).toBeGreaterThan(30);
      }
      const superuserUrl = prepared.embedded!.url;
      expect(await ownership(superuserUrl)).toEqual([{ owner: EMBEDDED_OWNER_ROLE, n: expect.any(Number) }]);
      expect(
        await query(
          superuserUrl,
          "select rolname, rolsuper, rolcreaterole, rolcreatedb, rolbypassrls from pg_roles where rolname like 'clearance_%' order by 1",
        ),
      ).toEqual([
        { rolname: EMBEDDED_APP_ROLE, rolsuper: false, rolcreaterole: false, rolcreatedb: false, rolbypassrls: false },
        {
          rolname: EMBEDDED_OWNER_ROLE,
          rolsuper: false,
          rolcreaterole: false,
          rolcreatedb: false,
          rolbypassrls: false,
        },
      ]);
      // The port takes passwords: the app's role is refused without its own.
      const wrong = new URL(prepared.url);
      wrong.password = "guess";
      await expect(query(wrong.toString(), "select 1")).rejects.toMatchObject({ code: "28P01" });
      expect(
        await query(
          prepared.url,
          "select current_user as me, has_table_privilege('audit_events', 'UPDATE') as can_update",
        ),
      ).toEqual([{ me: EMBEDDED_APP_ROLE, can_update: false }]);
    } finally {
      await prepared.embedded!.stop();
    }
  }, 120_000);

  it("upgrades a data directory from before the roles on its first start: the owner takes over, the app keeps the data", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "clearance-roles-old-"));
    dirs.push(dir);
    const dataDir = path.join(dir, "pg");
    const port = await freePort();
    // As the app did before: everything created by the superuser, pg-boss's schema by pg-boss.
    const old = await startEmbeddedPostgres({ dataDir, database: "clearance", port });
    try {
      await runMigrations(old.url);
      await query(
        old.url,
        "insert into systems (key, name, adapter_kind, access_levels) values ('crm', 'CRM', 'manual', '{member}')",
      );
      expect(await ownership(old.url)).toEqual([{ owner: "postgres", n: expect.any(Number) }]);
    } finally {
      await old.stop();
    }

    const prepared = await prepareDatabase(
      { CLEARANCE_DATA_DIR: dir, CLEARANCE_PG_PORT: String(port) },
      { strict: true },
    );
    try {
      expect(prepared.warning).toBeNull();
      expect(await ownership(prepared.embedded!.url)).toEqual([{ owner: EMBEDDED_OWNER_ROLE, n: expect.any(Number) }]);
      expect(await query(prepared.url, "select key from systems")).toEqual([{ key: "crm" }]);
      await query(
        prepared.url,
        "insert into systems (key, name, adapter_kind, access_levels) values ('erp', 'ERP', 'manual', '{member}')",
      );
      await expect(query(prepared.url, "alter table systems add column x int")).rejects.toMatchObject({
        code: "42501",
      });
      // pg-boss, as the app runs it: no migration rights, and jobs still go in and out.
      const boss = new PgBoss({
        connectionString: prepared.url,
        schema: "pgboss",
        migrate: false,
        reindex: false,
        supervise: false,
        schedule: false,
      });
      await boss.start();
      try {
        await boss.createQueue("roles-upgrade");
        const id = await boss.send("roles-upgrade", { n: 1 });
        const [job] = await boss.fetch("roles-upgrade");
        expect(job?.id).toBe(id);
        await boss.complete("roles-upgrade", id!);
      } finally {
        await boss.stop({ graceful: false });
      }
      // A second start finds everything in order and changes nothing.
      const again = await prepareDatabase(
        { CLEARANCE_DATA_DIR: dir, CLEARANCE_PG_PORT: String(port) },
        { strict: true },
      );
      expect(again).toMatchObject({ url: prepared.url, warning: null });
      expect(again.embedded!.owned).toBe(false);
    } finally {
      await prepared.embedded!.stop();
    }
  }, 120_000);
});
