import { and, count, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessPlans, auditEvents, identities, identityAttributeChanges, scimUserProfiles } from "@/server/db/schema";
import { createHrSource } from "@/server/services/hr/events";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { as, movableClock } from "@/test/support/requests";
import { ENTERPRISE, USER } from "@/test/support/scim";
import { scimClient } from "@/test/support/scim-client";

let t: TestDatabase;
let token: string;
const clock = movableClock("2026-06-01T08:00:00Z");
const scim = (...args: Parameters<ReturnType<typeof scimClient>>) => scimClient(t.db, clock, () => token)(...args);

beforeAll(async () => {
  t = await createTestDatabase();
  const it_ = await as(t.db, "priya.raman@company.com", clock);
  token = (await createHrSource({ ctx: it_, input: { key: "okta", name: "Okta" } })).token;
});
afterAll(() => t.close());

const user = (n: number, extra: Record<string, unknown> = {}) => ({
  schemas: [USER, ENTERPRISE],
  userName: `burst.${n}@company.com`,
  externalId: `burst-${n}`,
  name: { givenName: "Burst", familyName: `Number ${n}` },
  emails: [{ value: `burst.${n}@company.com`, type: "work", primary: true }],
  active: true,
  title: "Engineer",
  [ENTERPRISE]: { department: "Engineering" },
  ...extra,
});

describe("concurrent POST /Users from one client (written together, answered each on its own)", () => {
  it("twelve at once: each gets its own User, history, audit event and joiner plan", async () => {
    const replies = await Promise.all(Array.from({ length: 12 }, (_, n) => scim("POST", "/Users", user(n))));
    expect(replies.map((r) => r.status)).toEqual(Array(12).fill(201));
    expect(replies.map((r) => r.body.userName)).toEqual(Array.from({ length: 12 }, (_, n) => `burst.${n}@company.com`));
    const ids = replies.map((r) => r.body.id as string);
    expect(new Set(ids).size).toBe(12);
    const rows = await t.db.select().from(identities).where(inArray(identities.id, ids));
    expect(rows.map((r) => [r.externalId, r.department, r.managedBy]).sort()).toEqual(
      Array.from({ length: 12 }, (_, n) => [`burst-${n}`, "Engineering", "okta"]).sort(),
    );
    // written together: fewer transactions (the xid that wrote each row) than requests
    const { rows: writers } = await t.pool.query<{ n: number }>(
      "select count(distinct xmin::text)::int as n from identities where id = any($1::uuid[])",
      [ids],
    );
    expect(writers[0]!.n).toBeLessThan(12);
    const perPerson = async (table: typeof accessPlans | typeof identityAttributeChanges) =>
      (
        await t.db
          .select({ id: table.identityId, n: count() })
          .from(table)
          .where(inArray(table.identityId, ids))
          .groupBy(table.identityId)
      ).length;
    expect(await perPerson(accessPlans)).toBe(12);
    expect(await perPerson(identityAttributeChanges)).toBe(12);
    const hired = await t.db
      .select({ subject: auditEvents.subjectId })
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "identity.hired"), inArray(auditEvents.subjectId, ids)));
    expect(hired).toHaveLength(12);
    // what the client said is kept per person: a GET answers with it
    const again = await scim("GET", `/Users/${ids[3]}`);
    expect(again.body).toMatchObject({ userName: "burst.3@company.com", name: { familyName: "Number 3" } });
  });

  it("a taken userName, a bad value and a rehire in the same burst: each answered as if alone, the rest written", async () => {
    const gone = await scim("POST", "/Users", user(100));
    expect((await scim("DELETE", `/Users/${gone.body.id}`)).status).toBe(204);
    const replies = await Promise.all([
      scim("POST", "/Users", user(101)),
      // the same userName as the one before it, another email
      scim("POST", "/Users", user(102, { userName: "burst.101@company.com" })),
      scim("POST", "/Users", user(103, { active: "perhaps" })),
      // the User this client deleted, posted again: they come back
      scim("POST", "/Users", user(100)),
      scim("POST", "/Users", user(104)),
    ]);
    // the two with one userName race: whichever is written first wins, the other hears uniqueness
    const [a, b, bad, rehired, other] = replies;
    expect([a!.status, b!.status].sort()).toEqual([201, 409]);
    expect([a, b].find((r) => r!.status === 409)!.body).toMatchObject({
      scimType: "uniqueness",
      detail: expect.stringMatching(/userName/),
    });
    expect([bad!.status, rehired!.status, other!.status]).toEqual([400, 201, 201]);
    expect(rehired!.body.id).toBe(gone.body.id);
    const written = await t.db
      .select({ externalId: identities.externalId })
      .from(identities)
      .where(inArray(identities.externalId, ["burst-101", "burst-102", "burst-103"]));
    expect(written).toHaveLength(1);
    const profiles = await t.db
      .select({ n: count() })
      .from(scimUserProfiles)
      .innerJoin(identities, eq(identities.id, scimUserProfiles.identityId))
      .where(inArray(identities.externalId, ["burst-100", "burst-101", "burst-102", "burst-104"]));
    expect(profiles[0]!.n).toBe(3);
  });

  it("two at once with one externalId (no index holds it): one is written, the other hears uniqueness", async () => {
    const replies = await Promise.all([
      scim("POST", "/Users", user(200, { externalId: "shared-ext" })),
      scim("POST", "/Users", user(201, { externalId: "shared-ext" })),
    ]);
    expect(replies.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(replies.find((r) => r.status === 409)!.body).toMatchObject({
      scimType: "uniqueness",
      detail: expect.stringMatching(/externalId/),
    });
    const profiles = await t.db
      .select({ n: count() })
      .from(scimUserProfiles)
      .where(eq(scimUserProfiles.externalId, "shared-ext"));
    expect(profiles[0]!.n).toBe(1);
  });
});
