import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import path from "node:path";
import { postgresAdapter } from "./postgres";
import { vendorLoginSetupSql } from "./postgres-vendor-logins";
import { AdapterError, type AccessTarget, type Adapter } from "./types";

// The machine's PostgreSQL, used as superuser only to set the scene and clean it up.
const SERVER = process.env.CLEARANCE_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

const suffix = randomBytes(4).toString("hex");
const database = `clearance_adapter_${suffix}`;
const managedRole = `rpt_${suffix}`;
const unmanagedRole = `payroll_${suffix}`;
const member = `sarah_${suffix}`;
const adapterRole = `clearance_adapter_${suffix}`;
const marker = `vendor_mark_${suffix}`;
const vendor = `acme_${suffix}`;
const auditRole = `audit_${suffix}`;
const roles = [adapterRole, member, managedRole, unmanagedRole, vendor, auditRole, marker];

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
  return {
    email: `${username}@company.com`,
    username,
    resource: `postgres:role:${role}`,
    type: "role",
    name: role,
    level: null,
    operationId: `op-${role}-${username}`,
  };
}

async function failure(promise: Promise<unknown>): Promise<AdapterError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AdapterError);
  return error as AdapterError;
}

const readReports = async (client: pg.Client) =>
  (await client.query<{ n: number }>("select count(*)::int as n from reports")).rows[0]?.n;

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
    const { rows } = await superuser.query("select rolsuper, rolcreaterole from pg_roles where rolname = $1", [
      adapterRole,
    ]);
    expect(rows).toEqual([{ rolsuper: false, rolcreaterole: false }]);
  });

  it("grants the role so the member can SET ROLE and read, and a second grant is fine", async () => {
    expect(await adapter.grant(target(managedRole))).toMatchObject({
      status: "done",
      detail: `granted "${managedRole}" to "${member}"`,
    });
    expect(await adapter.grant(target(managedRole))).toMatchObject({
      status: "done",
      detail: expect.stringContaining("already"),
    });

    const session = await connectAs(member);
    await session.query(`set role ${managedRole}`);
    expect(await readReports(session)).toBe(2);
  });

  it("lists the members of the roles it manages, and nothing else", async () => {
    expect(await adapter.listActual()).toEqual([
      { username: member, resource: `postgres:role:${managedRole}`, level: null },
    ]);
  });

  it("lists the roles it manages for discovery, with their comments, and no other role", async () => {
    await superuser.query(`comment on role ${managedRole} is 'Reads the reports table'`);
    expect(await adapter.listResources!()).toEqual([
      { type: "role", name: managedRole, description: "Reads the reports table" },
    ]);
  });

  it("on revoke, ends the member's sessions, including one that already did SET ROLE", async () => {
    const session = await connectAs(member);
    await session.query(`set role ${managedRole}`);
    expect(await readReports(session)).toBe(2);

    const result = await adapter.revoke(target(managedRole));
    expect(result).toMatchObject({
      status: "done",
      detail: expect.stringMatching(/^revoked .*ended \d+ open session/),
    });
    await expect(readReports(session)).rejects.toThrow();

    const fresh = await connectAs(member);
    await expect(fresh.query(`set role ${managedRole}`)).rejects.toThrow(/permission denied/);
    await expect(readReports(fresh)).rejects.toThrow(/permission denied/);
    expect(await adapter.listActual()).toEqual([]);
  });

  it("revoking what is not there succeeds", async () => {
    expect(await adapter.revoke(target(managedRole))).toMatchObject({
      status: "done",
      detail: expect.stringContaining("was not a member"),
    });
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
    const { rows } = await superuser.query<{ version: number }>(
      "select current_setting('server_version_num')::int as version",
    );
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

describe("vendor logins: VALID UNTIL and CONNECTION LIMIT, only on a login that is the vendor's alone", () => {
  let vendorAdapter: Adapter;
  const restrictions = { mfaRequired: true, ipAllowList: ["203.0.113.0/24"], sessionMinutes: 480, maxSessions: 2 };
  // Whole seconds, a week and a day from now: what PostgreSQL stores reads back equal.
  const inDays = (days: number) => new Date(Math.floor(Date.now() / 1000) * 1000 + days * 86_400_000);
  const attributes = async (role: string) =>
    (
      await superuser.query<{ until: Date | null; limit: number }>(
        "select rolvaliduntil as until, rolconnlimit as limit from pg_roles where rolname = $1",
        [role],
      )
    ).rows[0]!;
  const endVendorSessions = () =>
    superuser.query("select pg_terminate_backend(pid, 5000) from pg_stat_activity where usename = $1", [vendor]);

  beforeAll(async () => {
    // The DBA's side (README.md): the marker, a login marked as the vendor's, the setup's function.
    const setup = new pg.Client({ connectionString: new URL(`/${database}`, SERVER).toString() });
    await setup.connect();
    try {
      await setup.query(vendorLoginSetupSql({ markerRole: marker, adapterRole }));
    } finally {
      await setup.end();
    }
    await superuser.query(`create role ${vendor} login in role ${marker}`);
    await superuser.query(`create role ${auditRole} nologin`);
    await superuser.query(`grant ${auditRole} to ${adapterRole} with admin option`);
    vendorAdapter = postgresAdapter(
      { url: urlAs(adapterRole), vendorLogins: { markerRole: marker } },
      { systemKey: "postgres" },
    );
  });
  afterAll(() => vendorAdapter?.close());

  it("the adapter's role cannot change a role's attributes itself, and the function touches only marked plain logins", async () => {
    const asAdapter = await connectAs(adapterRole);
    await expect(asAdapter.query(`alter role ${vendor} valid until 'infinity'`)).rejects.toThrow(/permission denied/);
    await expect(asAdapter.query("select clearance_restrict_login($1, now(), 0)", [member])).rejects.toThrow(
      /is not a vendor login/,
    );
    await expect(asAdapter.query("select clearance_restrict_login($1, now(), 0)", ["postgres"])).rejects.toThrow(
      /not a plain login role/,
    );
    await asAdapter.end();
  });

  it("grant: VALID UNTIL the exception's expiry, CONNECTION LIMIT the session limit; the vendor connects and uses the role", async () => {
    const expiresAt = inDays(8);
    const result = await vendorAdapter.grant({ ...target(managedRole, vendor), expiresAt, restrictions });
    expect(result.detail).toBe(
      `granted "${managedRole}" to "${vendor}"; vendor login: VALID UNTIL ${expiresAt.toISOString()}, CONNECTION LIMIT 2` +
        "; not enforced by PostgreSQL (pg_hba.conf, the connection path): MFA, IP allow list 203.0.113.0/24, 480-minute sessions",
    );
    expect(await attributes(vendor)).toEqual({ until: expiresAt, limit: 2 });
    const session = await connectAs(vendor);
    await session.query(`set role ${managedRole}`);
    expect(await readReports(session)).toBe(2);
  });

  it("a second exception of the same vendor ending sooner does not shorten the window", async () => {
    const before = await attributes(vendor);
    await vendorAdapter.grant({ ...target(auditRole, vendor), expiresAt: inDays(1), restrictions });
    expect(await attributes(vendor)).toEqual(before);
  });

  it("CONNECTION LIMIT holds: a third session at once is refused", async () => {
    await endVendorSessions();
    await connectAs(vendor);
    await connectAs(vendor);
    await expect(connectAs(vendor)).rejects.toThrow(/too many connections for role/);
  });

  it("revoke: the window stays while the vendor holds another role; the last revoke locks the login and ends its sessions", async () => {
    const first = await vendorAdapter.revoke(target(auditRole, vendor));
    expect(first.detail).not.toContain("locked");
    expect((await attributes(vendor)).limit).toBe(2);

    const session = await connectAs(vendor).catch(async () => {
      await endVendorSessions();
      return connectAs(vendor);
    });
    const last = await vendorAdapter.revoke(target(managedRole, vendor));
    expect(last.detail).toMatch(/vendor login locked \(VALID UNTIL now, CONNECTION LIMIT 0\); ended \d+ open session/);
    const locked = await attributes(vendor);
    expect(locked.limit).toBe(0);
    expect(locked.until!.getTime()).toBeLessThanOrEqual(Date.now() + 1_000);
    await expect(readReports(session)).rejects.toThrow();
    await expect(connectAs(vendor)).rejects.toThrow(/too many connections for role/);
  });

  it("a new grant opens the login again: a new window, and no session limit when the access sets none", async () => {
    const expiresAt = inDays(3);
    await vendorAdapter.grant({ ...target(managedRole, vendor), expiresAt, restrictions: { mfaRequired: true } });
    expect(await attributes(vendor)).toEqual({ until: expiresAt, limit: -1 });
    const session = await connectAs(vendor);
    await session.query(`set role ${managedRole}`);
    expect(await readReports(session)).toBe(2);
    await vendorAdapter.revoke(target(managedRole, vendor));
  });

  it("refuses restricted access on a login shared with other access, or on a system without vendor logins, granting nothing", async () => {
    const onShared = await failure(
      vendorAdapter.grant({ ...target(managedRole, member), expiresAt: inDays(2), restrictions }),
    );
    expect(onShared).toMatchObject({
      retryable: false,
      message: expect.stringContaining(`"${member}" is not a vendor login (a member of "${marker}")`),
    });
    const unset = await failure(adapter.grant({ ...target(managedRole, vendor), expiresAt: inDays(2), restrictions }));
    expect(unset).toMatchObject({ retryable: false, message: expect.stringContaining("no vendorLogins set up") });
    expect(await vendorAdapter.listActual()).toEqual([]);
    // Access without restrictions on a shared login is granted as always, its attributes untouched.
    const before = await attributes(member);
    await vendorAdapter.grant({ ...target(managedRole, member), expiresAt: inDays(2) });
    expect(await attributes(member)).toEqual(before);
    await vendorAdapter.revoke(target(managedRole, member));
  });

  it("README.md gives exactly the setup SQL these tests ran", () => {
    const readme = readFileSync(path.join(import.meta.dirname, "README.md"), "utf8");
    expect(readme).toContain(vendorLoginSetupSql());
  });
});
