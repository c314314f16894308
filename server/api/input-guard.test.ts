import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { TRPCError } from "@trpc/server";
import { and, count, eq } from "drizzle-orm";
import superjson from "superjson";
import { ZodError } from "zod";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents } from "@/server/db/schema";
import { actorFor, fixedClock, identityIdByEmail, personaEmails } from "@/test/support/actors";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { rowCounter } from "@/test/support/row-counts";
import { appRouter, createCaller } from "./root";
import type { TRPCContext } from "./trpc";

/**
 * Issue 12, point 13: the raw-input guard every procedure passes through (server/api/trpc.ts)
 * and the sane-date schemas. test/mutation-input.property.test.ts fuzzes every mutation; these
 * are the cases one can read.
 */
let t: TestDatabase;
let countRows: Awaited<ReturnType<typeof rowCounter>>;
const contexts = {} as Record<"signed_out" | "employee" | "it_admin", TRPCContext>;

beforeAll(async () => {
  t = await createTestDatabase();
  countRows = await rowCounter(t.db);
  const base = { db: t.db, clock: fixedClock(), request: { ip: null, userAgent: null } };
  contexts.signed_out = { ...base, actor: null };
  contexts.employee = { ...base, actor: await actorFor(t.db, personaEmails.employee) };
  contexts.it_admin = { ...base, actor: await actorFor(t.db, personaEmails.it_admin) };
});
afterAll(() => t.close());

/** How a refusal reads to a client: the code, and the message and field as the error formatter gives them (zod errors too). */
const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => ({ code: "allowed", message: "", field: undefined as string | undefined }),
    (err: unknown) => {
      if (!(err instanceof TRPCError)) return { code: `unexpected ${String(err)}`, message: "", field: undefined };
      if (err.cause instanceof ZodError) {
        const issues = err.cause.issues;
        return {
          code: err.code,
          message: issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
          field: issues[0]?.path.join("."),
        };
      }
      return { code: err.code, message: err.message, field: (err.cause as { field?: string } | undefined)?.field };
    },
  );

/** A tRPC call over HTTP, as the browser makes it: superjson in, the error formatter's JSON out. */
async function overHttp(path: string, input: unknown, ctx: TRPCContext) {
  const response = await fetchRequestHandler({
    endpoint: "/api/trpc",
    req: new Request(`http://clearance.test/api/trpc/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(superjson.serialize(input)),
    }),
    router: appRouter,
    createContext: () => ctx,
  });
  const body = (await response.json()) as {
    error: { json: { message: string; data: { field: string | null; httpStatus: number } } };
  };
  return { status: response.status, message: body.error.json.message, field: body.error.json.data.field };
}

const submission = {
  templateKey: "finance-reports",
  durationMinutes: 7 * 24 * 60,
  justification: "Commission analysis with the finance team for Q4.",
};

describe("input PostgreSQL cannot store is refused before any procedure sees it", () => {
  it("answers a NUL over HTTP with 400, naming the field, and writes nothing", async () => {
    const before = await countRows();
    expect(
      await overHttp(
        "requests.submit",
        { ...submission, justification: "Commission\u0000 analysis for Q4 with finance." },
        contexts.employee,
      ),
    ).toEqual({
      status: 400,
      message: "justification: contains a NUL character",
      field: "justification",
    });
    expect(await countRows()).toEqual(before);
  });

  it("names the path inside lists and records, and refuses unpaired surrogates and NUL keys", async () => {
    const it_admin = createCaller(contexts.it_admin);
    expect(
      await refusal(
        it_admin.policies.lint({
          changes: [
            { path: "a.yaml", source: "name: a\n" },
            { path: "b.yaml", source: "name: b\u0000\n" },
          ],
        }),
      ),
    ).toMatchObject({
      code: "BAD_REQUEST",
      message: "changes.1.source: contains a NUL character",
      field: "changes.1.source",
    });
    expect(
      await refusal(
        createCaller(contexts.employee).requests.postMessage({
          requestId: "00000000-0000-4000-8000-000000000000",
          body: "half an emoji \ud83d",
        }),
      ),
    ).toMatchObject({
      code: "BAD_REQUEST",
      field: "body",
      message: "body: contains an unpaired surrogate (text that is not valid Unicode)",
    });
    expect(
      await refusal(
        createCaller(contexts.employee).requests.submit({ ...submission, fields: { "project\u0000": "Q4" } }),
      ),
    ).toMatchObject({
      code: "BAD_REQUEST",
      field: "fields",
      message: "fields: has a key that contains a NUL character",
    });
  });

  it("guards every procedure, queries and procedures without input included", async () => {
    const it_admin = createCaller(contexts.it_admin);
    const unguarded: string[] = [];
    for (const path of Object.keys(appRouter._def.procedures)) {
      const call = path.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], it_admin) as (
        input: unknown,
      ) => Promise<unknown>;
      const outcome = await refusal(call({ probe: "\u0000" }));
      if (outcome.code !== "BAD_REQUEST" || outcome.message !== "probe: contains a NUL character")
        unguarded.push(`${path}: ${outcome.code} ${outcome.message}`);
    }
    expect(unguarded).toEqual([]);
  });

  it("checks who is calling first: signed out is UNAUTHORIZED, a missing role FORBIDDEN and recorded, whatever the input", async () => {
    expect(
      await refusal(createCaller(contexts.signed_out).requests.submit({ ...submission, justification: "\u0000" })),
    ).toMatchObject({ code: "UNAUTHORIZED" });
    const refusedBefore = await t.db
      .select({ n: count() })
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "access.refused"), eq(auditEvents.subjectId, "aliases.create")));
    expect(
      await refusal(
        createCaller(contexts.employee).aliases.create({ attribute: "job_title", raw: "\u0000", canonical: "x" }),
      ),
    ).toMatchObject({ code: "FORBIDDEN" });
    const refusedAfter = await t.db
      .select({ n: count() })
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "access.refused"), eq(auditEvents.subjectId, "aliases.create")));
    expect(refusedAfter[0]!.n).toBe(refusedBefore[0]!.n + 1);
  });
});

describe("dates between the years 1900 and 2200", () => {
  const day = (iso: string) => new Date(`${iso}T00:00:00Z`);

  it.each([
    ["year 275760 (what superjson can send)", new Date(8.64e15)],
    ["year 1", day("0001-01-01")],
    ["1899", day("1899-12-31")],
    ["2201", day("2201-01-01")],
  ])("refuses a delegation ending in %s, naming endsAt", async (_what, endsAt) => {
    const outcome = await refusal(
      createCaller(contexts.employee).delegations.create({
        delegateEmail: "john.doe@company.com",
        startsAt: day("2026-12-01"),
        endsAt,
      }),
    );
    expect(outcome).toMatchObject({
      code: "BAD_REQUEST",
      field: "endsAt",
      message: "endsAt: must be a date between the years 1900 and 2200",
    });
  });

  it("refuses far dates sent as text or numbers where a schema coerces them, and in report filters", async () => {
    const it_admin = createCaller(contexts.it_admin);
    const exception = {
      type: "project",
      justification: "Keep it for the project",
      approverEmail: "cfo@company.com",
    } as const;
    for (const expiresAt of ["+275760-09-13T00:00:00.000Z", 253402214400000]) {
      const outcome = await refusal(
        it_admin.drift.resolve({
          findingId: "00000000-0000-4000-8000-000000000000",
          action: "convert",
          exception: { ...exception, expiresAt: expiresAt as unknown as Date },
        }),
      );
      expect(outcome).toMatchObject({
        code: "BAD_REQUEST",
        field: "exception.expiresAt",
        message: "exception.expiresAt: must be a date between the years 1900 and 2200",
      });
    }
    expect(
      await refusal(it_admin.reports.preview({ kind: "exceptions", filters: { from: "0000-01-01" } })),
    ).toMatchObject({ code: "BAD_REQUEST", field: "filters.from" });
    expect(
      await refusal(it_admin.reports.preview({ kind: "access-as-of", filters: { at: "9999-12-31T00:00:00Z" } })),
    ).toMatchObject({ code: "BAD_REQUEST", field: "filters.at" });
  });

  it("refuses an exception expiring in 9999 before anything is written", async () => {
    const before = await countRows();
    const outcome = await refusal(
      createCaller(contexts.it_admin).exceptions.propose({
        identityId: await identityIdByEmail(t.db, personaEmails.employee),
        resource: "google:group:finance-reports@company.com",
        type: "project",
        justification: "Quarter-end analysis for the finance team",
        approverEmail: "cfo@company.com",
        expiresAt: day("9999-12-31"),
      }),
    );
    expect(outcome).toMatchObject({ code: "BAD_REQUEST", field: "expiresAt" });
    expect(await countRows()).toEqual(before);
  });
});
