import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSlapd, type Slapd } from "@/test/support/slapd";
import { escapeDnValue, LDAP_PLACEHOLDER_MEMBER, ldapAdapter, parseDn, type LdapConfig } from "./ldap";
import { AdapterError, type AccessTarget, type Adapter } from "./types";

const FINANCE = "finance-reports@company.com";

let slapd: Slapd;
let adapter: Adapter;

function configFor(server: Slapd): LdapConfig {
  return {
    url: server.url,
    bindDn: server.bindDn,
    bindPassword: server.bindPassword,
    groupBaseDn: server.groupBaseDn,
    userDnTemplate: server.userDnTemplate,
  };
}

function target(username: string, group = FINANCE): AccessTarget {
  return {
    email: `${username}@company.com`,
    username,
    resource: `ldap:group:${group}`,
    type: "group",
    name: group,
    level: null,
    operationId: `op-${username}-${group}`,
  };
}

const userDn = (username: string) => slapd.userDnTemplate.replace("{username}", username);

async function failure(promise: Promise<unknown>): Promise<AdapterError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AdapterError);
  return error as AdapterError;
}

beforeAll(async () => {
  slapd = await startSlapd();
  adapter = ldapAdapter(configFor(slapd), { systemKey: "ldap" });
});

afterAll(async () => {
  await adapter?.close();
  await slapd?.stop();
});

describe("ldap adapter against slapd", () => {
  it("grants by adding the user's DN to the group, and a second grant changes nothing", async () => {
    expect(await adapter.grant(target("sarah.chen"))).toMatchObject({ status: "done" });
    expect(await slapd.members(FINANCE)).toEqual([userDn("sarah.chen")]);

    expect(await adapter.grant(target("sarah.chen"))).toMatchObject({
      status: "done",
      detail: expect.stringContaining("already"),
    });
    expect(await slapd.members(FINANCE)).toEqual([userDn("sarah.chen")]);
  });

  it("revokes by removing the DN, and revoking again succeeds", async () => {
    await adapter.grant(target("james.okafor"));
    expect(await adapter.revoke(target("james.okafor"))).toMatchObject({ status: "done" });
    expect(await slapd.members(FINANCE)).not.toContain(userDn("james.okafor"));

    expect(await adapter.revoke(target("james.okafor"))).toMatchObject({
      status: "done",
      detail: expect.stringContaining("was not in"),
    });
  });

  it("keeps a groupOfNames valid when its last member leaves", async () => {
    await slapd.addGroup("payroll", [userDn("priya.patel")]);
    expect(await adapter.revoke(target("priya.patel", "payroll"))).toMatchObject({ status: "done" });
    expect(await slapd.members("payroll")).toEqual([LDAP_PLACEHOLDER_MEMBER]);

    expect(await adapter.revoke(target("priya.patel", "payroll"))).toMatchObject({ status: "done" });
    await adapter.grant(target("priya.patel", "payroll"));
    expect(await slapd.members("payroll")).toEqual([userDn("priya.patel")]);
  });

  it("handles group names that need escaping in a DN", async () => {
    const awkward = "ops, on-call + #pager";
    await slapd.addGroup(awkward);
    await adapter.grant(target("sarah.chen", awkward));
    expect(await slapd.members(awkward)).toEqual([userDn("sarah.chen")]);
    expect(parseDn(`cn=${escapeDnValue(awkward)},ou=groups`)).toEqual([
      { type: "cn", value: awkward },
      { type: "ou", value: "groups" },
    ]);
  });

  it("lists memberships as the directory reports them", async () => {
    await slapd.addGroup("auditors");
    await adapter.grant(target("james.okafor", "auditors"));
    const actual = await adapter.listActual();
    expect(actual).toEqual(
      expect.arrayContaining([
        { username: "sarah.chen", resource: `ldap:group:${FINANCE}`, level: null },
        { username: "james.okafor", resource: "ldap:group:auditors", level: null },
        { username: "priya.patel", resource: "ldap:group:payroll", level: null },
      ]),
    );
    // The placeholder is not a person.
    expect(actual.map((a) => a.username)).not.toContain("nobody");
  });

  it("lists its groups for discovery, by name; in resource naming, the resources of its own system only", async () => {
    await slapd.addGroup("discovered-group");
    const groups = await adapter.listResources!();
    expect(groups.map((g) => g.name)).toEqual(expect.arrayContaining([FINANCE, "auditors", "discovered-group"]));
    expect(groups.every((g) => g.type === "group")).toBe(true);

    await slapd.addGroup("ldap:group:wiki (editor)");
    await slapd.addGroup("ldap:role:billing");
    await slapd.addGroup("other:group:not-ours");
    const byResource = ldapAdapter({ ...configFor(slapd), groupNaming: "resource" }, { systemKey: "ldap" });
    const found = await byResource.listResources!();
    expect(found).toEqual(
      expect.arrayContaining([
        { type: "group", name: "wiki", description: undefined },
        { type: "role", name: "billing", description: undefined },
      ]),
    );
    expect(found.map((f) => f.name)).not.toContain("not-ours");
    expect(found.map((f) => f.name)).not.toContain(FINANCE);
  });

  it("refuses a group that does not exist, naming it, without retrying", async () => {
    const error = await failure(adapter.grant(target("sarah.chen", "no-such-group")));
    expect(error.retryable).toBe(false);
    expect(error.message).toContain(`cn=no-such-group,${slapd.groupBaseDn}`);
  });

  it("refuses wrong credentials without retrying", async () => {
    const wrong = ldapAdapter({ ...configFor(slapd), bindPassword: "wrong" }, { systemKey: "ldap" });
    const error = await failure(wrong.grant(target("sarah.chen")));
    expect(error.retryable).toBe(false);
    expect(error.message).toContain(slapd.bindDn);
    expect(await wrong.health()).toMatchObject({ ok: false });
  });

  it("reads the bind password from the named environment variable", async () => {
    process.env.CLEARANCE_TEST_LDAP_PASSWORD = slapd.bindPassword;
    const { bindPassword: _omitted, ...rest } = configFor(slapd);
    const fromEnv = ldapAdapter({ ...rest, bindPasswordEnv: "CLEARANCE_TEST_LDAP_PASSWORD" }, { systemKey: "ldap" });
    expect(await fromEnv.health()).toMatchObject({ ok: true });
    delete process.env.CLEARANCE_TEST_LDAP_PASSWORD;
    const error = await failure(fromEnv.grant(target("sarah.chen")));
    expect(error).toMatchObject({ retryable: false, message: expect.stringContaining("CLEARANCE_TEST_LDAP_PASSWORD") });
  });

  it("reports a stopped server as retryable", async () => {
    const doomed = await startSlapd();
    const orphaned = ldapAdapter(configFor(doomed), { systemKey: "ldap" });
    expect(await orphaned.health()).toMatchObject({ ok: true });
    await doomed.stop();

    const error = await failure(orphaned.grant(target("sarah.chen")));
    expect(error.retryable).toBe(true);
    expect(await orphaned.health()).toMatchObject({ ok: false });
  });

  it("reports health", async () => {
    const health = await adapter.health();
    expect(health.ok).toBe(true);
    expect(health.detail).toContain(slapd.groupBaseDn);
  });
});
