import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import pg from "pg";
import { PgBoss } from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { prepareDatabase, refusePrivilegedRole } from "@/server/db/bootstrap";
import { reassignToOwnerSql } from "@/server/db/embedded-roles";
import { runMigrations } from "@/server/db/migrate";
import { checkRole, urlAs } from "@/server/db/roles";
import { accessRequests, auditEvents } from "@/server/db/schema";
import { startWorkers } from "@/server/jobs/worker";
import { verifyAuditChain } from "@/server/services/audit-log";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { as, submit } from "@/test/support/requests";
import { withDatabase } from "@/test/support/urls";

/**
 * Issue 12 point 5: the app connects as a role that owns nothing, so neither a bug nor an
 * injected statement can switch off the audit trail's triggers or change the schema. Every
 * other test file works as that role too (test/support/db.ts).
 */
let t: TestDatabase;
let app: pg.Pool;
const roles = () => inject("testRoles");

beforeAll(async () => {
  t = await createTestDatabase();
  app = new pg.Pool({ connectionString: t.url, max: 2 });
});
afterAll(async () => {
  await app.end();
  await t.close();
});

/** The error `text` fails with, as the app's role. */
async function refusal(text: string): Promise<{ code?: string; message: string }> {
  const error = await app.query(text).then(
    () => null,
    (e: { code?: string; message: string }) => e,
  );
  expect(error, `${text} should have been refused`).not.toBeNull();
  return { code: error!.code, message: error!.message };
}

describe("the app's database role", () => {
  it("is no superuser, creates no roles or databases, bypasses no row security, owns nothing and is no member of the owner", async () => {
    const { rows } = await app.query(
      `select r.rolname, r.rolsuper, r.rolcreaterole, r.rolcreatedb, r.rolbypassrls, r.rolreplication,
              pg_has_role(current_user, $1, 'MEMBER') as member_of_owner,
              (select count(*)::int from pg_class c where pg_has_role(current_user, c.relowner, 'MEMBER') and c.relnamespace = 'public'::regnamespace) as owned
       from pg_roles r where r.rolname = current_user`,
      [roles().owner.name],
    );
    expect(rows).toEqual([
      {
        rolname: roles().app.name,
        rolsuper: false,
        rolcreaterole: false,
        rolcreatedb: false,
        rolbypassrls: false,
        rolreplication: false,
        member_of_owner: false,
        owned: 0,
      },
    ]);
    const client = await app.connect();
    try {
      expect(await checkRole(client)).toEqual({ role: roles().app.name, problems: [] });
    } finally {
      client.release();
    }
  });

  it("cannot switch off the audit trail's triggers or replication role", async () => {
    expect(await refusal("alter table audit_events disable trigger all")).toEqual({
      code: "42501",
      message: "must be owner of table audit_events",
    });
    expect(await refusal("alter table audit_events disable trigger audit_events_append_only")).toMatchObject({
      code: "42501",
    });
    expect(await refusal("set session_replication_role = replica")).toEqual({
      code: "42501",
      message: 'permission denied to set parameter "session_replication_role"',
    });
    expect(await refusal("drop trigger audit_events_append_only on audit_events")).toMatchObject({
      code: "42501",
      message: expect.stringMatching(/^must be owner of (table|relation) audit_events$/),
    });
  });

  it("cannot update, delete or truncate audit events: no privilege, before any trigger", async () => {
    const denied = { code: "42501", message: "permission denied for table audit_events" };
    expect(await refusal("update audit_events set reason = 'rewritten'")).toEqual(denied);
    expect(await refusal("delete from audit_events")).toEqual(denied);
    expect(await refusal("truncate audit_events")).toEqual(denied);
    const { rows } = await app.query("select count(*)::int as n from audit_events where reason = 'rewritten'");
    expect(rows[0].n).toBe(0);
  });

  it("cannot create, alter or drop tables, schemas or functions", async () => {
    expect(await refusal("create table stolen (id int)")).toEqual({
      code: "42501",
      message: "permission denied for schema public",
    });
    expect(await refusal("create table pgboss.stolen (id int)")).toEqual({
      code: "42501",
      message: "permission denied for schema pgboss",
    });
    expect(await refusal("create schema stolen")).toMatchObject({
      code: "42501",
      message: expect.stringMatching(/^permission denied for database/),
    });
    expect(await refusal("create function public.f() returns int language sql as 'select 1'")).toEqual({
      code: "42501",
      message: "permission denied for schema public",
    });
    expect(await refusal("alter table identities add column salary int")).toEqual({
      code: "42501",
      message: "must be owner of table identities",
    });
    expect(await refusal("alter table audit_events owner to current_user")).toMatchObject({ code: "42501" });
    expect(await refusal("drop table identities")).toEqual({
      code: "42501",
      message: "must be owner of table identities",
    });
    expect(await refusal("drop table pgboss.job")).toEqual({ code: "42501", message: "must be owner of table job" });
    expect(await refusal(`grant ${roles().owner.name} to current_user`)).toMatchObject({ code: "42501" });
  });

  it("holds exactly read and write on Clearance's and pg-boss's tables: append-only audit_events, TRUNCATE only where the app rebuilds a table", async () => {
    const { rows } = await app.query<{ name: string; privileges: string }>(`
      select n.nspname || '.' || c.relname as name,
             concat_ws(',', case when has_table_privilege(c.oid, 'SELECT') then 'select' end,
                       case when has_table_privilege(c.oid, 'INSERT') then 'insert' end,
                       case when has_table_privilege(c.oid, 'UPDATE') then 'update' end,
                       case when has_table_privilege(c.oid, 'DELETE') then 'delete' end,
                       case when has_table_privilege(c.oid, 'TRUNCATE') then 'truncate' end,
                       case when has_table_privilege(c.oid, 'REFERENCES') then 'references' end,
                       case when has_table_privilege(c.oid, 'TRIGGER') then 'trigger' end) as privileges
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname in ('public', 'pgboss') and c.relkind in ('r', 'p') and not c.relispartition
      order by 1`);
    expect(rows.length).toBeGreaterThan(40);
    const expected = (name: string) =>
      name === "public.audit_events"
        ? "select,insert"
        : name === "public.expected_access"
          ? "select,insert,update,delete,truncate"
          : "select,insert,update,delete";
    expect(rows.filter((r) => r.privileges !== expected(r.name))).toEqual([]);
    expect(rows.map((r) => r.name)).toEqual(
      expect.arrayContaining(["public.audit_events", "public.identities", "pgboss.job", "pgboss.queue"]),
    );
    // audit_events: UPDATE of the empty link's four columns only, which the audit sequencer fills once (issue 14).
    const updatable = await app.query<{ name: string }>(`
      select a.attname as name from pg_attribute a
      where a.attrelid = 'public.audit_events'::regclass and a.attnum > 0 and not a.attisdropped
        and has_column_privilege(a.attrelid, a.attnum, 'UPDATE') order by 1`);
    expect(updatable.rows.map((r) => r.name)).toEqual(["hash", "key_id", "prev_hash", "seq"]);
  });

  it("still does the app's work: a request with its audit events, a pg-boss job from enqueue to done, pg-boss's maintenance", async () => {
    const john = await as(t.db, "john.doe@company.com", () => new Date(Date.now() - 20 * 60_000));
    const r = await submit(john, {
      templateKey: "production-admin-incident",
      durationMinutes: 60,
      justification: "Critical production incident #1234 needs a fix",
      fields: { incident_id: "INC-1234" },
    });
    expect(
      await t.db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.subjectId, r.id), eq(auditEvents.action, "request.submitted"))),
    ).toHaveLength(1);

    const workers = await startWorkers({ databaseUrl: t.url, db: t.db, log: () => undefined });
    try {
      const jobId = await workers.runNow("requests-escalate");
      const deadline = Date.now() + 20_000;
      let state: string | undefined;
      while (Date.now() < deadline && state !== "completed") {
        state = (await app.query<{ state: string }>("select state::text from pgboss.job where id = $1", [jobId]))
          .rows[0]?.state;
        if (state !== "completed") await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(state).toBe("completed");
      const [escalated] = await t.db.select().from(accessRequests).where(eq(accessRequests.id, r.id));
      expect(escalated!.escalatedStage).toBe(0);
    } finally {
      await workers.stop();
    }
    // What pg-boss's supervisor does every minute (expiry, retention): rows only, as this role.
    const boss = new PgBoss({
      connectionString: t.url,
      schema: "pgboss",
      migrate: false,
      reindex: false,
      supervise: false,
      schedule: false,
    });
    await boss.start();
    try {
      await boss.supervise();
    } finally {
      await boss.stop({ graceful: false });
    }
    expect(await verifyAuditChain({ ctx: { db: t.db } })).toMatchObject({ ok: true });
  });
});

describe("migrations as the owner, then the app as its own role", () => {
  const admin = () => inject("adminUrl");
  const databases: string[] = [];
  async function emptyDatabase(): Promise<{ name: string; ownerUrl: string; appUrl: string; superuserUrl: string }> {
    const name = `${inject("emptyTemplate").replace(/_empty$/, "")}_roles_${randomBytes(3).toString("hex")}`;
    const c = new pg.Client({ connectionString: admin() });
    await c.connect();
    await c.query(`create database ${name} owner ${roles().owner.name}`);
    await c.end();
    databases.push(name);
    return {
      name,
      ownerUrl: urlAs(admin(), roles().owner.name, roles().owner.password, name),
      appUrl: urlAs(admin(), roles().app.name, roles().app.password, name),
      superuserUrl: withDatabase(admin(), name),
    };
  }
  afterAll(async () => {
    const c = new pg.Client({ connectionString: admin() });
    await c.connect();
    for (const name of databases) await c.query(`drop database if exists ${name} with (force)`);
    await c.end();
  });

  it("a start with DATABASE_OWNER_URL migrates a new database as the owner and leaves the app exactly its grants", async () => {
    const db = await emptyDatabase();
    const prepared = await prepareDatabase(
      { DATABASE_URL: db.appUrl, DATABASE_OWNER_URL: db.ownerUrl },
      { strict: true },
    );
    expect(prepared).toMatchObject({ url: db.appUrl, ownerUrl: db.ownerUrl, warning: null, embedded: null });
    const appClient = new pg.Client({ connectionString: db.appUrl });
    const ownerClient = new pg.Client({ connectionString: db.ownerUrl });
    await Promise.all([appClient.connect(), ownerClient.connect()]);
    try {
      const owners = await ownerClient.query(
        "select distinct pg_get_userbyid(c.relowner) as owner from pg_class c where c.relnamespace in ('public'::regnamespace, 'pgboss'::regnamespace)",
      );
      expect(owners.rows).toEqual([{ owner: roles().owner.name }]);
      await appClient.query(
        "insert into systems (key, name, adapter_kind, access_levels) values ('crm', 'CRM', 'manual', '{member}')",
      );

      // A later migration adds a table: the app can use it at once (default privileges) ...
      await ownerClient.query("create table later_notes (id serial primary key, note text not null)");
      await appClient.query("insert into later_notes (note) values ('written by the app')");
      // ... and a privilege granted by hand is taken back by the next migration run.
      await ownerClient.query(`grant update, delete, truncate on audit_events to ${roles().app.name}`);
      await ownerClient.query(`grant create on schema public to ${roles().app.name}`);
      expect((await checkRole(appClient)).problems).toEqual([
        "may create schemas or tables",
        "may update, delete or truncate audit_events",
      ]);
      await runMigrations(db.ownerUrl, { appRole: roles().app.name });
      expect((await checkRole(appClient)).problems).toEqual([]);
      expect(
        (
          await appClient.query(
            "select has_table_privilege('later_notes', 'INSERT') as insert, has_table_privilege('later_notes', 'TRUNCATE') as truncate",
          )
        ).rows,
      ).toEqual([{ insert: true, truncate: false }]);
    } finally {
      await Promise.all([appClient.end(), ownerClient.end()]);
    }
  });

  it("a start with only the app's DATABASE_URL runs on a migrated database, and says what to set when migrations are pending", async () => {
    const db = await emptyDatabase();
    await expect(prepareDatabase({ DATABASE_URL: db.appUrl }, { strict: true })).rejects.toThrow(
      new RegExp(
        "^migrations failed on .*: permission denied for database .*: " +
          "DATABASE_URL's role may not migrate; set DATABASE_OWNER_URL to the owner's URL \\(docs/deploy\\.md\\)$",
      ),
    );
    await runMigrations(db.ownerUrl, { appRole: roles().app.name });
    expect(await prepareDatabase({ DATABASE_URL: db.appUrl }, { strict: true })).toMatchObject({
      url: db.appUrl,
      warning: null,
    });
  });

  it("npm start refuses a superuser or the tables' owner as DATABASE_URL; development only warns", async () => {
    const db = await emptyDatabase();
    await runMigrations(db.ownerUrl, { appRole: roles().app.name });
    const superuser = decodeURIComponent(new URL(db.superuserUrl).username);
    await expect(refusePrivilegedRole(db.superuserUrl)).rejects.toThrow(
      `DATABASE_URL connects as "${superuser}", which is a superuser: `,
    );
    await expect(refusePrivilegedRole(db.ownerUrl)).rejects.toThrow(
      new RegExp(
        `^DATABASE_URL connects as "${roles().owner.name}", which owns \\d+ of Clearance's ` +
          `tables, owns the database: the app must run as a role that cannot alter tables`,
      ),
    );
    await expect(prepareDatabase({ DATABASE_URL: db.ownerUrl }, { strict: true })).rejects.toThrow(
      /which owns \d+ of Clearance's tables/,
    );
    const dev = await prepareDatabase({ DATABASE_URL: db.ownerUrl });
    expect(dev.warning).toMatch(
      /^DATABASE_URL connects as ".*", which owns \d+ of Clearance's tables, owns the database: .* DATABASE_OWNER_URL to the owner/,
    );
  });
});

describe("the SQL in docs/deploy.md", () => {
  const doc = readFileSync(path.join(import.meta.dirname, "..", "docs", "deploy.md"), "utf8");
  const block = (marker: string) => {
    const found = [...doc.matchAll(/```sql\n([\s\S]*?)```/g)]
      .map((m) => m[1]!)
      .find((b) => b.startsWith(`-- ${marker}`));
    if (!found) throw new Error(`docs/deploy.md has no sql block starting "-- ${marker}"`);
    return found;
  };
  const admin = () => inject("adminUrl");
  const created: { database: string; roles: string[] }[] = [];

  /** A block with this test's own names and passwords (roles are shared by the whole server). */
  function withOwnNames(sql: string) {
    const id = randomBytes(3).toString("hex");
    const names = {
      owner: `clearance_docs_${id}_owner`,
      app: `clearance_docs_${id}_app`,
      database: `clearance_docs_${id}`,
    };
    const passwords = { owner: randomBytes(12).toString("hex"), app: randomBytes(12).toString("hex") };
    created.push({ database: names.database, roles: [names.app, names.owner] });
    const text = sql
      .replace(/\bclearance_owner\b/g, names.owner)
      .replace(/\bclearance_app\b/g, names.app)
      .replace(/\bclearance\b/g, names.database)
      .replace("'owner-password'", `'${passwords.owner}'`)
      .replace("'app-password'", `'${passwords.app}'`);
    return { names, passwords, text };
  }

  /** Runs a block as a superuser, as psql would: statement by statement, following \connect. */
  async function execute(text: string, startOn: string) {
    let client = new pg.Client({ connectionString: withDatabase(admin(), startOn) });
    await client.connect();
    try {
      let statement = "";
      let quoted = false;
      for (const line of text.split("\n")) {
        const connect = /^\\connect (\S+)$/.exec(line);
        if (connect) {
          await client.end();
          client = new pg.Client({ connectionString: withDatabase(admin(), connect[1]!) });
          await client.connect();
          continue;
        }
        statement += `${line}\n`;
        quoted = (line.match(/\$[a-z_]*\$/g) ?? []).length % 2 === 1 ? !quoted : quoted;
        if (!quoted && line.trimEnd().endsWith(";")) {
          await client.query(statement);
          statement = "";
        }
      }
      expect(statement.trim()).toBe("");
    } finally {
      await client.end();
    }
  }

  afterAll(async () => {
    const c = new pg.Client({ connectionString: admin() });
    await c.connect();
    for (const { database, roles: pair } of created) {
      await c.query(`drop database if exists ${database} with (force)`);
      for (const role of pair) await c.query(`drop role if exists ${role}`);
    }
    await c.end();
  });

  it("creates, for a new database, roles that npm start accepts and that run Clearance", async () => {
    const { names, passwords, text } = withOwnNames(block("new database"));
    await execute(text, new URL(admin()).pathname.slice(1));
    const ownerUrl = urlAs(admin(), names.owner, passwords.owner, names.database);
    const appUrl = urlAs(admin(), names.app, passwords.app, names.database);
    expect(
      await prepareDatabase({ DATABASE_URL: appUrl, DATABASE_OWNER_URL: ownerUrl }, { strict: true }),
    ).toMatchObject({ warning: null });
    const c = new pg.Client({ connectionString: appUrl });
    await c.connect();
    try {
      await c.query(
        "insert into systems (key, name, adapter_kind, access_levels) values ('crm', 'CRM', 'manual', '{member}')",
      );
      await expect(c.query("create table stolen (id int)")).rejects.toMatchObject({ code: "42501" });
      await expect(c.query("update audit_events set reason = null")).rejects.toMatchObject({ code: "42501" });
    } finally {
      await c.end();
    }
  });

  it("hands a database from before the two roles to the owner, after which npm start accepts the app role", async () => {
    const { names, passwords, text } = withOwnNames(block("existing database"));
    const c = new pg.Client({ connectionString: admin() });
    await c.connect();
    await c.query(`create database ${names.database}`);
    await c.end();
    // As before: migrated by the superuser, which owns everything.
    await runMigrations(withDatabase(admin(), names.database));
    await execute(text, names.database);
    const ownerUrl = urlAs(admin(), names.owner, passwords.owner, names.database);
    const appUrl = urlAs(admin(), names.app, passwords.app, names.database);
    expect(
      await prepareDatabase({ DATABASE_URL: appUrl, DATABASE_OWNER_URL: ownerUrl }, { strict: true }),
    ).toMatchObject({ warning: null });
    const owners = new pg.Client({ connectionString: ownerUrl });
    await owners.connect();
    try {
      const { rows } = await owners.query(
        "select distinct pg_get_userbyid(c.relowner) as owner from pg_class c where c.relnamespace::regnamespace::text in ('public', 'drizzle', 'pgboss')",
      );
      expect(rows).toEqual([{ owner: names.owner }]);
    } finally {
      await owners.end();
    }
  });

  it("hands over with the same DO block the project's own PostgreSQL runs", () => {
    const documented = /^DO \$reassign\$[\s\S]*?\$reassign\$;$/m.exec(block("existing database"))?.[0];
    expect(documented).toBe(reassignToOwnerSql("clearance_owner"));
  });
});
