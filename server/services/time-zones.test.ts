import { desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DomainError } from "@/server/core/errors";
import { proposalSchema } from "@/server/core/requests/proposal";
import { formatWhen } from "@/server/core/time";
import {
  accessRequests,
  auditEvents,
  identityPreferences,
  organizationSettings,
  outboxEmails,
} from "@/server/db/schema";
import { identityIdByEmail } from "@/test/support/actors";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { as, clearRequests, movableClock } from "@/test/support/requests";
import { proposeException } from "./exceptions/propose";
import { notifyPeople } from "./requests/notify";
import {
  organizationTimeZone,
  preferredTimeZoneOf,
  recipientTimeZones,
  setMyTimeZone,
  setOrganizationTimeZone,
} from "./time-zones";

let t: TestDatabase;
const clock = movableClock("2026-11-22T12:00:00Z");
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());
beforeEach(async () => {
  await t.db.delete(organizationSettings);
  await t.db.delete(identityPreferences);
});

const zoneEvents = () =>
  t.db
    .select({ before: auditEvents.before, after: auditEvents.after, actorLabel: auditEvents.actorLabel })
    .from(auditEvents)
    .where(eq(auditEvents.action, "organization.time_zone_changed"))
    .orderBy(desc(auditEvents.id));

describe("the organization's time zone", () => {
  it("is UTC on a new install; IT changes it, audited with before and after, and saving the same zone records nothing", async () => {
    const priya = await as(t.db, "priya.raman@company.com", clock);
    expect(await organizationTimeZone(t.db)).toBe("UTC");
    const before = (await zoneEvents()).length;
    expect(await setOrganizationTimeZone({ ctx: priya, input: { timeZone: "Europe/Berlin" } })).toEqual({
      timeZone: "Europe/Berlin",
    });
    expect(await organizationTimeZone(t.db)).toBe("Europe/Berlin");
    const [event] = await zoneEvents();
    expect(event).toEqual({
      before: { timeZone: "UTC" },
      after: { timeZone: "Europe/Berlin" },
      actorLabel: "priya.raman@company.com",
    });
    await setOrganizationTimeZone({ ctx: priya, input: { timeZone: "Europe/Berlin" } });
    expect((await zoneEvents()).length).toBe(before + 1);
  });

  it("refuses a zone it does not know with an error naming the field, and changes nothing", async () => {
    const priya = await as(t.db, "priya.raman@company.com", clock);
    const attempt = setOrganizationTimeZone({ ctx: priya, input: { timeZone: "Europe/Atlantis" } });
    await expect(attempt).rejects.toBeInstanceOf(DomainError);
    await expect(attempt).rejects.toMatchObject({ code: "INVALID_INPUT", field: "timeZone" });
    await expect(attempt).rejects.toThrow(/timeZone must be an IANA time zone/);
    expect(await organizationTimeZone(t.db)).toBe("UTC");
  });

  it("ends a day given for an expiry at the end of that day in the organization's zone", async () => {
    await clearRequests(t.db);
    const priya = await as(t.db, "priya.raman@company.com", clock);
    const sarahId = await identityIdByEmail(t.db, "sarah.chen@company.com");
    const propose = async () => {
      const request = await proposeException({
        ctx: priya,
        input: {
          identityId: sarahId,
          resource: "gitlab:group:finance",
          level: null,
          type: "project",
          justification: "Quarter-end reconciliation scripts for Finance",
          references: { project: "Q4 close" },
          restrictions: {},
          approverEmail: "cfo@company.com",
          expiresAt: "2026-12-06",
        },
      });
      const [row] = await t.db.select().from(accessRequests).where(eq(accessRequests.id, request.id));
      await clearRequests(t.db);
      const proposal = proposalSchema.parse(row!.proposal);
      return proposal.action === "grant" ? proposal.expiresAt : null;
    };
    expect(await propose()).toBe("2026-12-06T23:59:59.999Z");
    await setOrganizationTimeZone({ ctx: priya, input: { timeZone: "America/Los_Angeles" } });
    expect(await propose()).toBe("2026-12-07T07:59:59.999Z");
  });
});

describe("a person's own time zone", () => {
  it("is theirs alone: setting it leaves everyone else on the organization's, and null follows the browser again", async () => {
    const sarah = await as(t.db, "sarah.chen@company.com", clock);
    const johnId = await identityIdByEmail(t.db, "john.doe@company.com");
    expect(await setMyTimeZone({ ctx: sarah, input: { timeZone: "Etc/UTC" } })).toEqual({ timeZone: "UTC" });
    await setMyTimeZone({ ctx: sarah, input: { timeZone: "America/New_York" } });
    expect(await preferredTimeZoneOf(t.db, sarah.actor.identityId)).toBe("America/New_York");
    expect(await preferredTimeZoneOf(t.db, johnId)).toBeNull();
    await expect(setMyTimeZone({ ctx: sarah, input: { timeZone: "EST5EDT-ish" } })).rejects.toMatchObject({
      field: "timeZone",
    });
    await setMyTimeZone({ ctx: sarah, input: { timeZone: null } });
    expect(await preferredTimeZoneOf(t.db, sarah.actor.identityId)).toBeNull();
  });

  it("writes each email in its recipient's zone: their own choice, else the organization's", async () => {
    const priya = await as(t.db, "priya.raman@company.com", clock);
    const sarah = await as(t.db, "sarah.chen@company.com", clock);
    const johnId = await identityIdByEmail(t.db, "john.doe@company.com");
    await setOrganizationTimeZone({ ctx: priya, input: { timeZone: "Europe/Berlin" } });
    await setMyTimeZone({ ctx: sarah, input: { timeZone: "America/New_York" } });
    expect(await recipientTimeZones(t.db, [sarah.actor.identityId, johnId])).toEqual(
      new Map([
        [sarah.actor.identityId, "America/New_York"],
        [johnId, "Europe/Berlin"],
      ]),
    );
    const moment = new Date("2026-12-02T13:05:00Z");
    const subject = "Time zone check";
    await t.db.transaction((tx) =>
      notifyPeople(
        tx,
        [sarah.actor.identityId, johnId],
        {
          kind: "reminder",
          title: subject,
          body: (zone) => `Waiting since ${formatWhen(moment, zone)}.`,
          link: "/inbox",
        },
        clock(),
      ),
    );
    const sent = await t.db
      .select({ to: outboxEmails.toAddress, body: outboxEmails.bodyText })
      .from(outboxEmails)
      .where(eq(outboxEmails.subject, `[Clearance] ${subject}`));
    const bodyTo = (to: string) => sent.find((m) => m.to === to)?.body.split("\n")[0];
    expect(bodyTo("sarah.chen@company.com")).toBe("Waiting since 2 Dec 2026, 08:05 EST.");
    expect(bodyTo("john.doe@company.com")).toBe("Waiting since 2 Dec 2026, 14:05 GMT+1.");
  });
});
