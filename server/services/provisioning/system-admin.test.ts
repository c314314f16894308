import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { and, count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessExceptions, auditEvents, resources, systems } from "@/server/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { insertExpiringExceptions } from "@/test/support/expiring";
import { as } from "@/test/support/requests";
import { listCatalog } from "../catalog";
import { lintFiles } from "../policies/drafts";
import { addSystem, configureSystemAdapter, editSystem, retireSystem, testSystemConnection } from "./system-admin";
import { listSystems } from "./systems";

/** Issue 15, point 6: systems managed in the product. */
let t: TestDatabase;
let healthy: Server;
let healthyUrl: string;
const clock = () => new Date("2026-11-30T09:00:00Z");
const it_ = () => as(t.db, "priya.raman@company.com", clock);

beforeAll(async () => {
  t = await createTestDatabase();
  // A webhook target whose health check answers (contract: server/adapters/webhook.ts).
  healthy = createServer((_, res) => res.writeHead(200, { "content-type": "application/json" }).end("{}"));
  await new Promise<void>((r) => healthy.listen(0, "127.0.0.1", r));
  healthyUrl = `http://127.0.0.1:${(healthy.address() as AddressInfo).port}/clearance`;
  process.env.SYSTEM_ADMIN_TEST_SECRET = "a-webhook-secret-for-the-test";
});
afterAll(async () => {
  await new Promise((r) => healthy.close(r));
  await t.close();
});

const eventsOf = async (key: string, action: string) =>
  (
    await t.db
      .select({ n: count() })
      .from(auditEvents)
      .where(and(eq(auditEvents.subjectId, key), eq(auditEvents.action, action)))
  )[0]!.n;
const systemCount = async () => (await t.db.select({ n: count() }).from(systems))[0]!.n;
const webhook = (url: string) => ({
  adapterKind: "webhook" as const,
  adapterConfig: { url, secretEnv: "SYSTEM_ADMIN_TEST_SECRET", timeoutMs: 2000 },
});
const deadUrl = "http://127.0.0.1:9/clearance";

describe("adding a system", () => {
  it("tests the connection, then adds it with its levels, audited; it is offered in the catalog", async () => {
    const ctx = await it_();
    expect(await testSystemConnection({ ctx, input: { systemKey: "crm", ...webhook(healthyUrl) } })).toMatchObject({
      ok: true,
    });
    await addSystem({
      ctx,
      input: {
        key: "crm",
        name: "CRM",
        description: "Customer records",
        accessLevels: ["viewer", "editor", "admin"],
        ...webhook(healthyUrl),
      },
    });
    const [row] = await t.db.select().from(systems).where(eq(systems.key, "crm"));
    expect(row).toMatchObject({ name: "CRM", accessLevels: ["viewer", "editor", "admin"], adapterKind: "webhook" });
    expect(await eventsOf("crm", "system.created")).toBe(1);
    expect((await listCatalog({ ctx })).systems.map((s) => s.key)).toContain("crm");
  });

  it("a connection test is audited, and never sends one of Clearance's own secrets to the address given", async () => {
    const ctx = await it_();
    for (const stolen of [
      {
        adapterKind: "ldap" as const,
        adapterConfig: {
          url: "ldap://203.0.113.9",
          bindDn: "cn=x",
          bindPasswordEnv: "AUTH_SECRET",
          groupBaseDn: "ou=g",
          userDnTemplate: "uid={username}",
        },
      },
      {
        adapterKind: "webhook" as const,
        adapterConfig: { url: "http://203.0.113.9/", secretEnv: "CLEARANCE_AUDIT_KEYS" },
      },
      { adapterKind: "postgres" as const, adapterConfig: { urlEnv: "DATABASE_URL" } },
    ])
      await expect(testSystemConnection({ ctx, input: { systemKey: "crm", ...stolen } })).rejects.toMatchObject({
        code: "INVALID_INPUT",
        field: "adapterConfig",
        message: expect.stringContaining("Clearance's own settings"),
      });
    const before = await eventsOf("crm", "system.connection_tested");
    await testSystemConnection({ ctx, input: { systemKey: "crm", ...webhook(healthyUrl) } });
    expect(await eventsOf("crm", "system.connection_tested")).toBe(before + 1);
  });

  it("the audit trail never holds a password written in a connection string, only the URL without it", async () => {
    const ctx = await it_();
    const url = "postgres://clearance:hunter2@127.0.0.1:9/app";
    await testSystemConnection({ ctx, input: { systemKey: "vault", adapterKind: "postgres", adapterConfig: { url } } });
    await addSystem({
      ctx,
      input: {
        key: "vault",
        name: "Vault",
        description: "",
        accessLevels: ["member"],
        adapterKind: "postgres",
        adapterConfig: { url },
        withoutConnectionTest: true,
      },
    });
    const events = await t.db.select().from(auditEvents).where(eq(auditEvents.subjectId, "vault"));
    expect(events.map((e) => e.action).sort()).toEqual(["system.connection_tested", "system.created"]);
    for (const e of events)
      expect(e.after).toMatchObject({ adapterConfig: { url: "postgres://clearance:***@127.0.0.1:9/app" } });
    expect(JSON.stringify(events)).not.toContain("hunter2");
  });

  it("refuses a system whose connection test fails, unless saved without one on purpose", async () => {
    const ctx = await it_();
    const before = await systemCount();
    const input = { key: "erp", name: "ERP", description: "", accessLevels: ["user"], ...webhook(deadUrl) };
    await expect(addSystem({ ctx, input })).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
      field: "adapterConfig",
      message: expect.stringMatching(/^The connection test failed: /),
    });
    expect(await systemCount()).toBe(before);
    await addSystem({ ctx, input: { ...input, withoutConnectionTest: true } });
    expect(await systemCount()).toBe(before + 1);
  });

  it("refuses settings the adapter refuses, a key in use, and levels named twice, naming the field; nothing added", async () => {
    const ctx = await it_();
    const before = await systemCount();
    const base = {
      name: "X",
      description: "",
      accessLevels: ["user"],
      adapterKind: "manual" as const,
      adapterConfig: {},
    };
    await expect(
      addSystem({
        ctx,
        input: { ...base, key: "bad-ldap", adapterKind: "ldap" as never, withoutConnectionTest: true },
      }),
    ).rejects.toMatchObject({ code: "INVALID_INPUT", field: "adapterConfig" });
    await expect(addSystem({ ctx, input: { ...base, key: "ldap" } })).rejects.toMatchObject({
      code: "CONFLICT",
      field: "key",
    });
    await expect(
      addSystem({ ctx, input: { ...base, key: "twice", accessLevels: ["user", "admin", "user"] } }),
    ).rejects.toMatchObject({
      code: "INVALID_INPUT",
      field: "accessLevels",
      message: 'Access levels: "user" is named twice',
    });
    await expect(addSystem({ ctx, input: { ...base, key: "caps", accessLevels: ["Admin"] } })).rejects.toMatchObject({
      field: "accessLevels",
    });
    expect(await systemCount()).toBe(before);
  });
});

describe("changing a system", () => {
  it("renames and reorders levels, audited with before and after", async () => {
    const ctx = await it_();
    await editSystem({
      ctx,
      input: { systemKey: "crm", name: "Sales CRM", description: "Accounts", accessLevels: ["viewer", "admin"] },
    });
    const [row] = await t.db.select().from(systems).where(eq(systems.key, "crm"));
    expect(row).toMatchObject({ name: "Sales CRM", accessLevels: ["viewer", "admin"] });
    expect(await eventsOf("crm", "system.updated")).toBe(1);
  });

  it("refuses to remove a level open access still uses, naming it", async () => {
    const ctx = await it_();
    await t.db.insert(resources).values({ key: "crm:role:sales", systemKey: "crm", type: "role", name: "sales" });
    const [id] = await insertExpiringExceptions(t.db, {
      systemKey: "crm",
      count: 1,
      expiresAt: new Date("2027-01-01"),
    });
    await t.db.execute(`update access_exceptions set level = 'admin' where id = '${id}'`);
    await expect(
      editSystem({ ctx, input: { systemKey: "crm", name: "Sales CRM", description: "", accessLevels: ["viewer"] } }),
    ).rejects.toMatchObject({ code: "CONFLICT", field: "accessLevels", message: expect.stringContaining('"admin"') });
    expect((await t.db.select().from(systems).where(eq(systems.key, "crm")))[0]!.accessLevels).toEqual([
      "viewer",
      "admin",
    ]);
  });

  it("tests the connection before new adapter settings are saved", async () => {
    const ctx = await it_();
    await expect(
      configureSystemAdapter({ ctx, input: { systemKey: "crm", ...webhook(deadUrl) } }),
    ).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
    expect((await t.db.select().from(systems).where(eq(systems.key, "crm")))[0]!.adapterConfig).toMatchObject({
      url: healthyUrl,
    });
  });
});

describe("retiring a system", () => {
  it("is refused while it has resources or open access, saying what is left", async () => {
    const ctx = await it_();
    await expect(
      retireSystem({ ctx, input: { systemKey: "crm", reason: "Moved to the new CRM" } }),
    ).rejects.toMatchObject({
      code: "CONFLICT",
      message: "Sales CRM still has 1 open exception: end them before retiring it",
    });
    expect((await t.db.select().from(systems).where(eq(systems.key, "crm")))[0]!.retiredAt).toBeNull();
  });

  it("is refused while an active request form still offers its resources, or people hold them by policy", async () => {
    const ctx = await it_();
    await expect(
      retireSystem({ ctx, input: { systemKey: "google", reason: "Moving to another suite" } }),
    ).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(/accesses held by policy.*active request forms? .*finance-reports/),
    });
  });

  it("retires an empty system: audited, shown as retired, no longer offered or nameable in a policy, no longer editable", async () => {
    const ctx = await it_();
    await retireSystem({ ctx, input: { systemKey: "erp", reason: "Replaced by the new ERP" } });
    expect(await eventsOf("erp", "system.retired")).toBe(1);
    const listed = (await listSystems({ ctx })).find((s) => s.key === "erp");
    expect(listed?.retiredAt).toEqual(clock());
    expect((await listCatalog({ ctx })).systems.map((s) => s.key)).not.toContain("erp");
    // A policy naming it is an error (unknown system), as one naming a live system's resource is not.
    const lint = (resource: string) =>
      lintFiles(t.db, [
        {
          path: "p.yaml",
          source: `name: p\ndescription: Users\nwhen:\n  - department: Finance\ngrants:\n  - ${resource}\n`,
        },
      ]);
    expect((await lint("erp:role:user")).map((p) => p.code)).toContain("unknown-system");
    expect((await lint("crm:role:sales")).filter((p) => p.severity === "error")).toEqual([]);
    await expect(
      editSystem({ ctx, input: { systemKey: "erp", name: "ERP", description: "", accessLevels: ["user"] } }),
    ).rejects.toMatchObject({ code: "CONFLICT", message: 'System "erp" is retired; it can no longer be changed' });
  });

  it("retires a system whose resources have only history left: they stay, with it, for the reports", async () => {
    const ctx = await it_();
    await t.db
      .update(accessExceptions)
      .set({ endedAt: clock(), endReason: "revoked" })
      .where(eq(accessExceptions.resourceKey, "crm:role:sales"));
    await retireSystem({ ctx, input: { systemKey: "crm", reason: "Moved to the new CRM" } });
    expect(await eventsOf("crm", "system.retired")).toBe(1);
    expect(await t.db.select({ key: resources.key }).from(resources).where(eq(resources.systemKey, "crm"))).toEqual([
      { key: "crm:role:sales" },
    ]);
  });
});
