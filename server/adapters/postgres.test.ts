import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresAdapter } from "./postgres";
import { AdapterError, type AccessTarget, type Adapter } from "./types";

// The machine's PostgreSQL, used as superuser only to set the scene and clean it up.
const SERVER = process.env.CLEARANCE_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

const suffix = randomBytes(4).toString("hex");
const database = `clearance_adapter_${suffix}`;
const managedRole = `rpt_${suffix}`;
const unmanagedRole = `payroll_${suffix}`;
const member = `sarah_${suffix}`;
const adapterRole = `clearance_adapter_${suffix}`;
const roles = [adapterRole, member, managedRole, unmanagedRole];

const urlAs = (role: string) => {
  const url = new URL(SERVER);
  url.username = role;
  url.password = "";
  url.pathname = `/${database}`;
  return url.toString();
};

let superuser: pg.Client;
let adapter: Adapter;
const memberSessions: pg.Client[] = [];

async function connectAs(role: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: urlAs(role) });
  // A terminated session emits "error"; the test reads the failure from its next query instead.
  client.on("error", () => undefined);
  await client.connect();
  memberSessions.push(client);
  return client;
}

function target(role: string, username = member): AccessTarget {
  return { email: `${username}@company.com`, username, resource: `postgres:role:${role}`, type: "role", name: role, level: null, operationId: `op-${role}-${username}` };
}

async function failure(promise: Promise<unknown>): Promise<AdapterError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AdapterError);
  return error as AdapterError;
}

const readReports = async (client: pg.Client) => (await client.query<{ n: number }>("select count(*)::int as n from reports")).rows[0]?.n;

beforeAll(async () => {
  superuser = new pg.Client({ connectionString: SERVER });
  await superuser.connect();
  await superuser.query(`create database ${database}`);
  await superuser.query(`create role ${managedRole} nologin`);
  await superuser.query(`create role ${unmanagedRole} nologin`);
  await superuser.query(`create role ${member} login`);
  // The adapter's role: ADMIN OPTION on the managed role and pg_signal_backend, nothing else.
  await superuser.query(`create role ${adapterRole} login nosuperuser nocreaterole nocreatedb`);
  await superuser.query(`grant ${managedRole} to ${adapterRole} with admin option`);
  await superuser.query(`grant pg_signal_backend to ${adapterRole}`);

  const setup = new pg.Client({ connectionString: new URL(`/${database}`, SERVER).toString() });
  await setup.connect();
  await setup.query("create table reports (id int primary key, title text not null)");
  await setup.query("insert into reports values (1, 'Q3 close'), (2, 'Q4 forecast')");
  await setup.query(`grant select on reports to ${managedRole}`);
  await setup.end();

  adapter = postgresAdapter({ url: urlAs(adapterRole) }, { systemKey: "postgres" });
});

afterAll(async () => {
  await adapter?.close();
  await Promise.all(memberSessions.map((c) => c.end().catch(() => undefined)));
  if (!superuser) return;
  await superuser.query(`drop database if exists ${database} with (force)`);
  await superuser.query("select pg_terminate_backend(pid) from pg_stat_activity where usename = any($1)", [roles]);
  for (const role of roles) await superuser.query(`drop role if exists ${role}`);
  await superuser.end();
});

describe("postgres adapter against a real cluster", () => {
  it("runs as a role that is neither superuser nor createrole", async () => {
    const { rows } = await superuser.query("select rolsuper, rolcreaterole from pg_roles where rolname = $1", [adapterRole]);
    expect(rows).toEqual([{ rolsuper: false, rolcreaterole: false }]);
  });

  it("grants the role so the member can SET ROLE and read, and a second grant is fine", async () => {
    expect(await adapter.grant(target(managedRole))).toMatchObject({ status: "done", detail: `granted "${managedRole}" to "${member}"` });
    expect(await adapter.grant(target(managedRole))).toMatchObject({ status: "done", detail: expect.stringContaining("already") });

    const session = await connectAs(member);
    await session.query(`set role ${managedRole}`);
    expect(await readReports(session)).toBe(2);
  });

  it("lists the members of the roles it manages, and nothing else", async () => {
    expect(await adapter.listActual()).toEqual([{ username: member, resource: `postgres:role:${managedRole}`, level: null }]);
  });

  it("on revoke, ends the member's sessions, including one that already did SET ROLE", async () => {
    const session = await connectAs(member);
    await session.query(`set role ${managedRole}`);
    expect(await readReports(session)).toBe(2);

    const result = await adapter.revoke(target(managedRole));
    expect(result).toMatchObject({ status: "done", detail: expect.stringMatching(/^revoked .*ended \d+ open session/) });
    await expect(readReports(session)).rejects.toThrow();

    const fresh = await connectAs(member);
    await expect(fresh.query(`set role ${managedRole}`)).rejects.toThrow(/permission denied/);
    await expect(readReports(fresh)).rejects.toThrow(/permission denied/);
    expect(await adapter.listActual()).toEqual([]);
  });

  it("revoking what is not there succeeds", async () => {
    expect(await adapter.revoke(target(managedRole))).toMatchObject({ status: "done", detail: expect.stringContaining("was not a member") });
  });

  // Why revoke ends sessions: PostgreSQL checks privileges against the current role, and REVOKE
  // does not reset a session's SET ROLE.
  it("PostgreSQL itself: a plain REVOKE leaves a SET ROLE session with the role's privileges", async () => {
    await superuser.query(`grant ${managedRole} to ${member}`);
    const session = await connectAs(member);
    await session.query(`set role ${managedRole}`);
    await superuser.query(`revoke ${managedRole} from ${member}`);
    expect(await readReports(session)).toBe(2);
    await session.end();
  });

  it("revokes a membership someone else granted on PostgreSQL 15, and says so when 16+ keeps it", async () => {
    await superuser.query(`grant ${managedRole} to ${member}`);
    const { rows } = await superuser.query<{ version: number }>("select current_setting('server_version_num')::int as version");
    if ((rows[0]?.version ?? 0) < 160000) {
      expect(await adapter.revoke(target(managedRole))).toMatchObject({ status: "done" });
    } else {
      // Since 16 a REVOKE only removes the grants its own role made.
      const error = await failure(adapter.revoke(target(managedRole)));
      expect(error).toMatchObject({ retryable: false, message: expect.stringContaining("granted by another role") });
      await superuser.query(`revoke ${managedRole} from ${member}`);
    }
    expect(await adapter.listActual()).toEqual([]);
  });

  it("refuses a role it holds no ADMIN OPTION on, without retrying", async () => {
    const error = await failure(adapter.grant(target(unmanagedRole)));
    expect(error.retryable).toBe(false);
    expect(error.message).toContain(unmanagedRole);
  });

  it("refuses a missing role or a missing user, naming it", async () => {
    const missingRole = await failure(adapter.grant(target(`ghost_${suffix}`)));
    expect(missingRole).toMatchObject({ retryable: false, message: expect.stringContaining(`ghost_${suffix}`) });
    const missingUser = await failure(adapter.grant(target(managedRole, `nobody_${suffix}`)));
    expect(missingUser).toMatchObject({ retryable: false, message: expect.stringContaining(`nobody_${suffix}`) });
  });

  it("reports health: the managed role count", async () => {
    expect(await adapter.health()).toEqual({ ok: true, detail: `connected as ${adapterRole}; manages 1 role` });
  });

  it("reports an unreachable server as retryable", async () => {
    const unreachable = postgresAdapter({ url: "postgres://nobody@127.0.0.1:1/postgres" }, { systemKey: "postgres" });
    const error = await failure(unreachable.grant(target(managedRole)));
    expect(error.retryable).toBe(true);
    expect(await unreachable.health()).toMatchObject({ ok: false });
    await unreachable.close();
  });
});
