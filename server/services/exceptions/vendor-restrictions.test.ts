import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { vendorLoginSetupSql } from "@/server/adapters/postgres-vendor-logins";
import { verifyWebhookSignature } from "@/server/adapters/webhook";
import { systemActor } from "@/server/core/actor";
import { accessExceptions, accessRequests, identities, resources } from "@/server/db/schema";
import { seedTemplates } from "@/server/db/seed/requests";
import { identityIdByEmail } from "@/test/support/actors";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { as, movableClock, submit } from "@/test/support/requests";
import { closeAdapters } from "../provisioning/adapters";
import { runDueOperations } from "../provisioning/operations";
import { configureSystemAdapter } from "../provisioning/system-admin";
import { decideRequest } from "../requests/decide";
import { listInbox } from "../requests/inbox";
import { getRequest } from "../requests/queries";
import { saveTemplate } from "../requests/templates";
import { revokeException } from "./end";
import { getException } from "./queries";

// The target PostgreSQL: the machine's, as superuser only to set the scene (as server/adapters/postgres.test.ts).
const SERVER = process.env.CLEARANCE_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const suffix = randomBytes(4).toString("hex");
const targetDb = `clearance_vendor_${suffix}`;
const adapterRole = `clearance_adapter_${suffix}`;
const marker = `vendor_mark_${suffix}`;
const auditRole = `audit_ro_${suffix}`;
const vendorLogin = `acme_${suffix}`;
const vendorEmail = `${vendorLogin}@external.com`;
const SECRET = "whsec_vendor_restrictions";

let t: TestDatabase;
let superuser: pg.Client;
let receiver: Server;
const received: Record<string, unknown>[] = [];
// Near the real time: PostgreSQL compares VALID UNTIL with its own clock.
const clock = movableClock(new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString());
const jobs = () => ({ db: t.db, actor: systemActor("provisioning"), clock });
const WEEK = 7 * 24 * 60;
const restrictions = { mfaRequired: true, sessionMinutes: 480, maxSessions: 2, ipAllowList: ["203.0.113.0/24"] };
const vendorTemplate = seedTemplates.find((s) => s.key === "vendor-security-audit")!;
const ask = {
  templateKey: "vendor-security-audit",
  durationMinutes: WEEK,
  justification: "Annual security audit by Acme Security Consulting, read-only",
  fields: { contract: "CTR-2024-089" },
};

const dbUrl = (role: string | null, database: string) => {
  const url = new URL(SERVER);
  if (role) url.username = role;
  url.pathname = `/${database}`;
  return url.toString();
};
const loginAttributes = async () =>
  (
    await superuser.query<{ until: Date | null; limit: number }>(
      "select rolvaliduntil as until, rolconnlimit as limit from pg_roles where rolname = $1",
      [vendorLogin],
    )
  ).rows[0]!;
const exceptionsOf = (requestId: string) =>
  t.db
    .select()
    .from(accessExceptions)
    .where(eq(accessExceptions.requestId, requestId))
    .orderBy(accessExceptions.resourceKey);

beforeAll(async () => {
  t = await createTestDatabase();
  // The target systems: a SaaS behind a webhook receiver, and a PostgreSQL cluster with a vendor login.
  receiver = createServer((req, res) => {
    let raw = "";
    req.on("data", (c: Buffer) => (raw += c.toString()));
    req.on("end", () => {
      if (
        !verifyWebhookSignature(
          SECRET,
          String(req.headers["x-clearance-timestamp"]),
          raw,
          req.headers["x-clearance-signature"] as string,
          Math.floor(Date.now() / 1000),
        )
      ) {
        return res.writeHead(401).end("bad signature");
      }
      const body = JSON.parse(raw) as Record<string, unknown>;
      // The connection test before the settings are saved is answered, not recorded: grants and revokes are.
      if (body.action !== "health") received.push(body);
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));

  superuser = new pg.Client({ connectionString: SERVER });
  await superuser.connect();
  await superuser.query(`create database ${targetDb}`);
  await superuser.query(`create role ${adapterRole} login nosuperuser nocreaterole nocreatedb`);
  await superuser.query(`create role ${auditRole} nologin`);
  await superuser.query(`grant ${auditRole} to ${adapterRole} with admin option`);
  await superuser.query(`grant pg_signal_backend to ${adapterRole}`);
  const setup = new pg.Client({ connectionString: dbUrl(null, targetDb) });
  await setup.connect();
  try {
    await setup.query(vendorLoginSetupSql({ markerRole: marker, adapterRole }));
  } finally {
    await setup.end();
  }
  await superuser.query(`create role ${vendorLogin} login in role ${marker}`);

  // Clearance's side: the consultant (sponsored by John), the role in the catalog, both systems connected.
  const johnId = await identityIdByEmail(t.db, "john.doe@company.com");
  await t.db.insert(identities).values({
    externalId: vendorLogin,
    email: vendorEmail,
    displayName: "Acme Consultant",
    department: "Security",
    jobTitle: "Security Auditor",
    employmentType: "Contractor",
    employmentStatus: "Active",
    managerId: johnId,
  });
  await t.db.insert(resources).values({
    key: `postgres:role:${auditRole}`,
    systemKey: "postgres",
    type: "role",
    name: auditRole,
    description: "Audit read-only",
  });
  const priya = await as(t.db, "priya.raman@company.com", clock);
  await configureSystemAdapter({
    ctx: priya,
    input: {
      systemKey: "aws",
      adapterKind: "webhook",
      adapterConfig: { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/clearance`, secret: SECRET },
    },
  });
  await configureSystemAdapter({
    ctx: priya,
    input: {
      systemKey: "postgres",
      adapterKind: "postgres",
      adapterConfig: { url: dbUrl(adapterRole, targetDb), vendorLogins: { markerRole: marker } },
    },
  });
  await saveTemplate({
    ctx: priya,
    input: {
      create: false,
      key: vendorTemplate.key,
      name: vendorTemplate.name,
      description: vendorTemplate.description,
      definition: {
        ...vendorTemplate.definition,
        grants: [...vendorTemplate.definition.grants, { resource: `postgres:role:${auditRole}`, level: null }],
      },
    },
  });
});

afterAll(async () => {
  await closeAdapters();
  await new Promise((r) => receiver?.close(r));
  await t?.close();
  if (!superuser) return;
  await superuser.query(`drop database if exists ${targetDb} with (force)`);
  await superuser.query("select pg_terminate_backend(pid) from pg_stat_activity where usename = any($1)", [
    [adapterRole, vendorLogin],
  ]);
  for (const role of [vendorLogin, adapterRole, auditRole, marker])
    await superuser.query(`drop role if exists ${role}`);
  await superuser.end();
});

describe("vendor restrictions: template → request → approvers → exception → adapters (seed 000, pattern 5)", () => {
  let requestId: string;

  it("the requester must name the ranges the template leaves to them, each a real, narrow range; nothing is recorded otherwise", async () => {
    const vendor = await as(t.db, vendorEmail, clock);
    const count = async () => (await t.db.select().from(accessRequests)).length;
    const before = await count();
    await expect(submit(vendor, { ...ask, requestedStart: clock() })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      field: "ipAllowList",
    });
    await expect(
      submit(vendor, { ...ask, requestedStart: clock(), ipAllowList: ["203.0.113.0/24", "0.0.0.0/0"] }),
    ).rejects.toMatchObject({
      code: "INVALID_INPUT",
      field: "ipAllowList.1",
      message: expect.stringMatching(/too broad/),
    });
    expect(await count()).toBe(before);
  });

  it("stores them on the request and shows them to approvers, in the inbox and on the request", async () => {
    const vendor = await as(t.db, vendorEmail, clock);
    const r = await submit(vendor, { ...ask, requestedStart: clock(), ipAllowList: ["203.0.113.0/24"] });
    requestId = r.id;
    expect(r.restrictions).toEqual(restrictions);
    const john = await as(t.db, "john.doe@company.com", clock);
    expect((await listInbox({ ctx: john, input: {} })).rows.find((row) => row.id === r.id)).toMatchObject({
      restrictions,
    });
    expect((await getRequest({ ctx: john, input: { requestId: r.id } })).request.restrictions).toEqual(restrictions);
  });

  it("approved, each exception carries them; the webhook receives them (contract v2) and PostgreSQL sets VALID UNTIL and CONNECTION LIMIT", async () => {
    await decideRequest({
      ctx: await as(t.db, "john.doe@company.com", clock),
      input: { requestId, decision: "approve" },
    });
    await decideRequest({ ctx: await as(t.db, "ciso@company.com", clock), input: { requestId, decision: "approve" } });
    const [aws, postgres] = await exceptionsOf(requestId);
    expect(aws).toMatchObject({ resourceKey: "aws:role:security-audit-readonly", type: "vendor", restrictions });
    expect(postgres).toMatchObject({ resourceKey: `postgres:role:${auditRole}`, type: "vendor", restrictions });
    const priya = await as(t.db, "priya.raman@company.com", clock);
    expect((await getException({ ctx: priya, input: { exceptionId: aws!.id } })).restrictions).toEqual(restrictions);

    await runDueOperations({ ctx: jobs() });
    expect(received).toEqual([
      {
        action: "grant",
        version: 2,
        operationId: expect.any(String),
        email: vendorEmail,
        username: vendorLogin,
        resource: "aws:role:security-audit-readonly",
        level: null,
        expiresAt: aws!.expiresAt.toISOString(),
        restrictions: { ipAllowList: ["203.0.113.0/24"], mfaRequired: true, sessionMinutes: 480, maxSessions: 2 },
      },
    ]);
    expect(await loginAttributes()).toEqual({ until: postgres!.expiresAt, limit: 2 });
    expect((await exceptionsOf(requestId)).map((e) => e.status)).toEqual(["active", "active"]);
  });

  it("an extension moves VALID UNTIL and tells the receiver the new expiry; the first delivery time stays", async () => {
    const vendor = await as(t.db, vendorEmail, clock);
    const [, before] = await exceptionsOf(requestId);
    // (A requester-picks form still wants a start for an extension, which then continues from the end.)
    const x = await submit(vendor, {
      ...ask,
      requestedStart: clock(),
      justification: "The audit found more to review: one more week please",
      extension: true,
    });
    expect(x.restrictions).toBeNull();
    await decideRequest({
      ctx: await as(t.db, "john.doe@company.com", clock),
      input: { requestId: x.id, decision: "approve" },
    });
    await decideRequest({
      ctx: await as(t.db, "ciso@company.com", clock),
      input: { requestId: x.id, decision: "approve" },
    });
    clock.advance(1);
    await runDueOperations({ ctx: jobs() });
    const [aws, postgres] = await exceptionsOf(requestId);
    expect(postgres!.expiresAt.getTime()).toBe(before!.expiresAt.getTime() + WEEK * 60_000);
    expect(await loginAttributes()).toEqual({ until: postgres!.expiresAt, limit: 2 });
    expect(received.at(-1)).toMatchObject({
      action: "grant",
      expiresAt: aws!.expiresAt.toISOString(),
      restrictions: { mfaRequired: true },
    });
    expect(postgres).toMatchObject({ status: "active", deliveredAt: before!.deliveredAt, restrictions });
  });

  it("revoked, the vendor login is locked: no new sessions, no password", async () => {
    const priya = await as(t.db, "priya.raman@company.com", clock);
    const [, postgres] = await exceptionsOf(requestId);
    await revokeException({ ctx: priya, input: { exceptionId: postgres!.id, reason: "The audit is over" } });
    await runDueOperations({ ctx: jobs() });
    const locked = await loginAttributes();
    expect(locked.limit).toBe(0);
    expect(locked.until!.getTime()).toBeLessThanOrEqual(Date.now() + 1_000);
    expect((await exceptionsOf(requestId))[1]).toMatchObject({ status: "removed" });
  });
});
