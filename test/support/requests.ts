import type { Db } from "@/server/db/client";
import { accessExceptions, accessRequests, provisioningHandoffs, provisioningOperations } from "@/server/db/schema";
import type { PersonContext } from "@/server/services/context";
import { submitRequest } from "@/server/services/requests/submit";
import { actorFor, fixedClock } from "./actors";

export type Clock = () => Date;

/** A movable clock for tests: starts at `iso`, moves forward with advance(minutes). */
export function movableClock(iso = "2026-11-22T12:00:00Z") {
  let now = new Date(iso).getTime();
  const clock = () => new Date(now);
  clock.advance = (minutes: number) => {
    now += minutes * 60_000;
  };
  clock.set = (at: string) => {
    if (new Date(at).getTime() < now) throw new Error(`the clock only moves forward: ${at}`);
    now = new Date(at).getTime();
  };
  return clock;
}

/** A service context for a seeded person. */
export async function as(db: Db, email: string, clock: Clock = fixedClock()): Promise<PersonContext> {
  return { db, actor: await actorFor(db, email), clock, request: { ip: "127.0.0.1", userAgent: "vitest" } };
}

const WEEK = 7 * 24 * 60;

/** The seed 000 ask: Sarah, finance-reports, 6 weeks, the seed's justification. */
export const financeReportsAsk = {
  templateKey: "finance-reports",
  durationMinutes: 6 * WEEK,
  justification:
    "Q4 sales commission analysis project. Working with Finance team to validate commission calculations against sales data.",
  requestedStart: null,
  fields: { project: "Q4 commission analysis" },
  ticketReference: null,
};

export function submit(
  ctx: PersonContext,
  input: Partial<Parameters<typeof submitRequest>[0]["input"]> & { templateKey: string },
) {
  return submitRequest({
    ctx,
    input: {
      durationMinutes: 60,
      justification: "A justification that is long enough to pass.",
      requestedStart: null,
      fields: {},
      ticketReference: null,
      ...input,
    },
  });
}

/** Removes every request and what approval made of it (exceptions, operations, hand-offs), children first. */
export async function clearRequests(db: Db) {
  await db.delete(provisioningOperations);
  await db.delete(accessExceptions);
  await db.delete(provisioningHandoffs);
  await db.delete(accessRequests);
}
