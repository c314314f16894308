import type { TypeSettings } from "./types";

const MINUTE_MS = 60_000;
const DAY_MINUTES = 24 * 60;

/**
 * When access given for `minutes` from `start` ends. Access of a day or more runs to the end of
 * its last day (midnight UTC), as seed 000 dates it ("6 weeks, expires 2025-01-06"); shorter
 * access ends to the minute.
 */
export function expiryFor(start: Date, minutes: number): Date {
  const exact = new Date(start.getTime() + minutes * MINUTE_MS);
  if (minutes < DAY_MINUTES) return exact;
  const midnight = new Date(Date.UTC(exact.getUTCFullYear(), exact.getUTCMonth(), exact.getUTCDate()));
  return midnight.getTime() === exact.getTime() ? exact : new Date(midnight.getTime() + DAY_MINUTES * MINUTE_MS);
}

/** Invariant 4, by the clock: an exception counts only between its start and its expiry, whatever the jobs did. */
export function countsAsAccess(e: { startsAt: Date; expiresAt: Date; endedAt: Date | null }, now: Date): boolean {
  return e.endedAt === null && e.startsAt <= now && now < e.expiresAt;
}

/** Whole days left, rounded up ("38 days remaining"); 0 once expired. */
export function daysRemaining(expiresAt: Date, now: Date): number {
  return Math.max(0, Math.ceil((expiresAt.getTime() - now.getTime()) / (DAY_MINUTES * MINUTE_MS)));
}

/**
 * The reminder due now, if any: the shortest offset already reached and not yet sent. Offsets
 * longer than the access itself are skipped (a 4-hour escalation gets no 14-day reminder), and
 * reaching a shorter offset covers the longer ones (one message, not three, after downtime).
 */
export function dueReminder(
  e: { startsAt: Date; expiresAt: Date; remindersSent: readonly number[] },
  settings: Pick<TypeSettings, "reminderOffsetsMinutes">,
  now: Date,
): number | null {
  if (now >= e.expiresAt) return null;
  const lengthMinutes = (e.expiresAt.getTime() - e.startsAt.getTime()) / MINUTE_MS;
  const leftMinutes = (e.expiresAt.getTime() - now.getTime()) / MINUTE_MS;
  const reached = settings.reminderOffsetsMinutes
    .filter((o) => o < lengthMinutes && leftMinutes <= o)
    .sort((a, b) => a - b);
  const shortest = reached[0];
  if (shortest === undefined) return null;
  return e.remindersSent.some((s) => s <= shortest) ? null : shortest;
}

/** "14 days", "1 day", "1 hour": how far ahead a reminder is. */
export function offsetText(minutes: number): string {
  if (minutes % DAY_MINUTES === 0) return `${minutes / DAY_MINUTES} day${minutes === DAY_MINUTES ? "" : "s"}`;
  if (minutes % 60 === 0) return `${minutes / 60} hour${minutes === 60 ? "" : "s"}`;
  return `${minutes} minutes`;
}
