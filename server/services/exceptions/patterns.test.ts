import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { and, count, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "@/server/core/actor";
import {
  accessExceptions,
  auditEvents,
  exceptionExtensions,
  exceptionTypeSettings,
  provisioningOperations,
} from "@/server/db/schema";
import { asSchemaOwner, createTestDatabase, type TestDatabase } from "@/test/support/db";
import { as, movableClock, submit } from "@/test/support/requests";
import { setTemplateActive } from "../requests/templates";
import { expireExceptions } from "./end";
import { proposeExtension } from "./propose";
import { allTypeSettings, typeSettingsOf, updateTypeSettings } from "./settings";

let t: TestDatabase;
const clock = movableClock("2026-11-23T03:00:00Z");
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());

const HOUR = 60;
const footprint = async () => ({
  audit: (await t.db.select({ n: count() }).from(auditEvents))[0]!.n,
  settings: await t.db.select().from(exceptionTypeSettings).orderBy(exceptionTypeSettings.type),
  extensions: (await t.db.select({ n: count() }).from(exceptionExtensions))[0]!.n,
});

/** Jane is on call: the incident template approves her at once, as a privilege escalation. */
async function janeEscalated() {
  const jane = await as(t.db, "jane.smith@company.com", clock);
  const r = await submit(jane, {
    templateKey: "production-admin-incident",
    durationMinutes: 4 * HOUR,
    justification: "Critical production incident #1234 - database corruption",
    fields: { incident_id: "INC-1234" },
  });
  expect(r.status).toBe("approved");
  const [e] = await t.db.select().from(accessExceptions).where(eq(accessExceptions.requestId, r.id));
  expect(e).toMatchObject({ type: "privilege_escalation", expiresAt: new Date(clock().getTime() + 4 * 3_600_000) });
  return { jane, exception: e! };
}

describe("privilege escalation: hours, auto-revoke, no renewal (seed 000, pattern 2)", () => {
  it("refuses an extension asked for by the holder, and says so when she asks again while holding it; nothing changes", async () => {
    const { jane, exception } = await janeEscalated();
    const before = await footprint();
    await expect(
      submit(jane, {
        templateKey: "production-admin-incident",
        durationMinutes: 4 * HOUR,
        justification: "The incident is not over yet, four more hours",
        fields: { incident_id: "INC-1234" },
        extension: true,
      }),
    ).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
      field: "exceptionId",
      message: expect.stringMatching(/never renewed/),
    });
    await expect(
      submit(jane, {
        templateKey: "production-admin-incident",
        durationMinutes: 4 * HOUR,
        justification: "The incident is not over yet, four more hours",
        fields: { incident_id: "INC-1234" },
      }),
    ).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(/cannot be extended: ask again once it ends/),
    });
    expect(await footprint()).toEqual(before);
    expect((await t.db.select().from(accessExceptions).where(eq(accessExceptions.id, exception.id)))[0]).toMatchObject({
      expiresAt: exception.expiresAt,
      extensionsUsed: 0,
    });
  });

  it("refuses an extension proposed by IT, even to an escalated approver; nothing changes", async () => {
    const [exception] = await t.db
      .select()
      .from(accessExceptions)
      .where(eq(accessExceptions.type, "privilege_escalation"));
    const priya = await as(t.db, "priya.raman@company.com", clock);
    const before = await footprint();
    await expect(
      proposeExtension({
        ctx: priya,
        input: {
          exceptionId: exception!.id,
          durationMinutes: 2 * HOUR,
          justification: "The on-call lead asked for two more hours",
          approverEmail: "ciso@company.com",
        },
      }),
    ).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
      field: "exceptionId",
      message: expect.stringMatching(/never renewed/),
    });
    expect(await footprint()).toEqual(before);
  });

  it("the database refuses a later expiry or an extension row for it, whatever the code does", async () => {
    const [e] = await t.db.select().from(accessExceptions).where(eq(accessExceptions.type, "privilege_escalation"));
    await expect(
      t.db
        .update(accessExceptions)
        .set({ expiresAt: new Date(e!.expiresAt.getTime() + 3_600_000) })
        .where(eq(accessExceptions.id, e!.id)),
    ).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/privilege escalation exception is never extended/) },
    });
    await expect(
      t.db.insert(exceptionExtensions).values({
        exceptionId: e!.id,
        ordinal: 1,
        escalated: false,
        justification: "by hand",
        previousExpiresAt: e!.expiresAt,
        newExpiresAt: new Date(e!.expiresAt.getTime() + 1),
        approvedBy: "x",
        approvedAt: clock(),
      }),
    ).rejects.toMatchObject({ cause: { message: expect.stringMatching(/never extended/) } });
    // Shortening stays possible (revocation ends early; it never lengthens).
    await t.db
      .update(accessExceptions)
      .set({ expiresAt: new Date(e!.expiresAt.getTime() - 60_000) })
      .where(eq(accessExceptions.id, e!.id));
  });

  it("at its expiry it is revoked by itself, with no one asked", async () => {
    const [e] = await t.db.select().from(accessExceptions).where(eq(accessExceptions.type, "privilege_escalation"));
    clock.set(e!.expiresAt.toISOString());
    expect(
      await expireExceptions({ ctx: { db: t.db, actor: systemActor("enforcement"), clock } }),
    ).toBeGreaterThanOrEqual(1);
    expect((await t.db.select().from(accessExceptions).where(eq(accessExceptions.id, e!.id)))[0]).toMatchObject({
      endReason: "expired",
      endedBy: expect.any(String),
    });
    expect(
      await t.db
        .select()
        .from(provisioningOperations)
        .where(and(eq(provisioningOperations.exceptionId, e!.id), eq(provisioningOperations.action, "revoke"))),
    ).toHaveLength(1);
  });
});

describe("type settings keep the patterns' rules", () => {
  const escalation = {
    type: "privilege_escalation" as const,
    maxDurationMinutes: 8 * HOUR,
    reminderOffsetsMinutes: [HOUR],
    extensible: false,
    escalatedApproverGroup: null,
  };

  it("refuses switching extension on for privilege escalation or role transition, and escalation longer than 24 hours, naming the field; nothing changes", async () => {
    const priya = await as(t.db, "priya.raman@company.com", clock);
    const before = await footprint();
    await expect(updateTypeSettings({ ctx: priya, input: { ...escalation, extensible: true } })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      field: "extensible",
      message: expect.stringMatching(/never extended/),
    });
    await expect(
      updateTypeSettings({ ctx: priya, input: { ...escalation, maxDurationMinutes: 25 * HOUR } }),
    ).rejects.toMatchObject({
      code: "INVALID_INPUT",
      field: "maxDurationMinutes",
      message: expect.stringMatching(/at most 24 hours/),
    });
    await expect(
      updateTypeSettings({
        ctx: priya,
        input: {
          type: "role_transition",
          maxDurationMinutes: 30 * 24 * HOUR,
          reminderOffsetsMinutes: [],
          extensible: true,
          escalatedApproverGroup: null,
        },
      }),
    ).rejects.toMatchObject({
      field: "extensible",
    });
    expect(await footprint()).toEqual(before);
    // Within the rules, IT still tunes the type.
    expect(await updateTypeSettings({ ctx: priya, input: escalation })).toMatchObject({
      maxDurationMinutes: 8 * HOUR,
      extensible: false,
    });
  });

  it("refuses settings beyond the settings page's bounds, whoever calls (a configuration import too), naming the field; nothing changes", async () => {
    const priya = await as(t.db, "priya.raman@company.com", clock);
    const before = await footprint();
    const vendor = { ...escalation, type: "vendor" as const, maxDurationMinutes: 30 * 24 * HOUR };
    for (const [input, field] of [
      [{ ...vendor, maxDurationMinutes: 10_079_989_920 }, "maxDurationMinutes"],
      [{ ...vendor, maxDurationMinutes: 367 * 24 * HOUR }, "maxDurationMinutes"],
      [{ ...vendor, maxDurationMinutes: 4 }, "maxDurationMinutes"],
      [{ ...vendor, reminderOffsetsMinutes: [1, 2, 3, 4, 5, 6].map((h) => h * HOUR) }, "reminderOffsetsMinutes"],
      [
        { ...vendor, maxDurationMinutes: 200 * 24 * HOUR, reminderOffsetsMinutes: [91 * 24 * HOUR] },
        "reminderOffsetsMinutes",
      ],
      [{ ...vendor, reminderOffsetsMinutes: [1.5] }, "reminderOffsetsMinutes"],
    ] as [Parameters<typeof updateTypeSettings>[0]["input"], string][])
      await expect(updateTypeSettings({ ctx: priya, input })).rejects.toMatchObject({ code: "INVALID_INPUT", field });
    expect(await footprint()).toEqual(before);
  });

  it("the database refuses such a row too, and the migration corrects one written before the rules", async () => {
    await expect(
      t.db
        .update(exceptionTypeSettings)
        .set({ extensible: true })
        .where(eq(exceptionTypeSettings.type, "privilege_escalation")),
    ).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/exception_type_settings_pattern_rules/) },
    });
    // As before the migration: renewable, two days, a 36-hour reminder.
    await asSchemaOwner(t.db, (tx) =>
      tx.execute(sql`alter table exception_type_settings drop constraint exception_type_settings_pattern_rules`),
    );
    await t.db
      .update(exceptionTypeSettings)
      .set({
        extensible: true,
        maxDurationMinutes: 48 * HOUR,
        reminderOffsetsMinutes: [36 * HOUR, HOUR],
        escalatedApproverGroup: "security",
      })
      .where(eq(exceptionTypeSettings.type, "privilege_escalation"));
    await t.db.insert(exceptionTypeSettings).values({
      type: "role_transition",
      maxDurationMinutes: 30 * 24 * HOUR,
      reminderOffsetsMinutes: [],
      extensible: true,
      escalatedApproverGroup: null,
      updatedAt: clock(),
      updatedBy: "someone",
    });
    // Until it runs, the services read the rules over the row anyway.
    expect(await typeSettingsOf(t.db, "privilege_escalation")).toMatchObject({
      maxDurationMinutes: 24 * HOUR,
      reminderOffsetsMinutes: [HOUR],
      extensible: false,
    });
    expect((await allTypeSettings(t.db)).role_transition.extensible).toBe(false);

    const folder = path.join(process.cwd(), "drizzle");
    const file = readdirSync(folder).find((f) => f.endsWith("_exception-pattern-rules.sql"))!;
    // Migrations run as the owner of the tables, as they do in production (docs/deploy.md).
    await asSchemaOwner(t.db, async (tx) => {
      for (const statement of readFileSync(path.join(folder, file), "utf8").split("--> statement-breakpoint"))
        await tx.execute(sql.raw(statement));
    });

    const rows = await t.db.select().from(exceptionTypeSettings).orderBy(exceptionTypeSettings.type);
    expect(
      rows.map((r) => [r.type, r.extensible, r.maxDurationMinutes, r.reminderOffsetsMinutes, r.updatedBy]),
    ).toEqual([
      ["privilege_escalation", false, 24 * HOUR, [HOUR], "migration 0017_exception-pattern-rules (issue 12)"],
      ["role_transition", false, 30 * 24 * HOUR, [], "migration 0017_exception-pattern-rules (issue 12)"],
    ]);
    await expect(
      t.db
        .update(exceptionTypeSettings)
        .set({ extensible: true })
        .where(eq(exceptionTypeSettings.type, "role_transition")),
    ).rejects.toThrow();
  });

  it("refuses a maximum below what an active template of the type offers, naming it; deactivated, it may, and it comes back only within the limit", async () => {
    const priya = await as(t.db, "priya.raman@company.com", clock);
    const before = await footprint();
    await expect(
      updateTypeSettings({ ctx: priya, input: { ...escalation, maxDurationMinutes: 4 * HOUR } }),
    ).rejects.toMatchObject({
      code: "INVALID_INPUT",
      field: "maxDurationMinutes",
      message:
        "Active templates offer longer than 4 hours: Production admin (incident) (8 hours). Shorten or deactivate them first.",
    });
    expect(await footprint()).toEqual(before);

    await setTemplateActive({ ctx: priya, input: { key: "production-admin-incident", active: false } });
    expect(
      await updateTypeSettings({ ctx: priya, input: { ...escalation, maxDurationMinutes: 4 * HOUR } }),
    ).toMatchObject({ maxDurationMinutes: 4 * HOUR });
    await expect(
      setTemplateActive({ ctx: priya, input: { key: "production-admin-incident", active: true } }),
    ).rejects.toMatchObject({
      code: "INVALID_INPUT",
      field: "definition.durations.3",
      message: expect.stringMatching(/8 hours is longer than privilege escalation exceptions last at most 4 hours/),
    });
  });
});
