import { addMinutes, differenceInMilliseconds, formatDuration } from "date-fns";
import { midnightEnding } from "../time/days";
import type { TypeSettings } from "./types";

// date-fns/constants has these, but the core's lint refuses any import path named like a Node built-in.
const minutesInHour = 60;
const minutesInDay = 24 * minutesInHour;
const millisecondsInMinute = 60_000;
const millisecondsInDay = minutesInDay * millisecondsInMinute;

/**
 * When access given for `minutes` from `start` ends. Access of a day or more runs to the end of
 * its last day (midnight in the organization's zone), as seed 000 dates it ("6 weeks, expires
 * 2025-01-06"); shorter access ends to the minute.
 */
export function expiryFor(start: Date, minutes: number, zone: string): Date {
  const exact = addMinutes(start, minutes);
  return minutes < minutesInDay ? exact : midnightEnding(exact, zone);
}

/** Invariant 4, by the clock: an exception counts only between its start and its expiry, whatever the jobs did. */
export function countsAsAccess(e: { startsAt: Date; expiresAt: Date; endedAt: Date | null }, now: Date): boolean {
  return e.endedAt === null && e.startsAt <= now && now < e.expiresAt;
}

/** Whole days left, rounded up ("38 days remaining"); 0 once expired. */
export function daysRemaining(expiresAt: Date, now: Date): number {
  return Math.max(0, Math.ceil(differenceInMilliseconds(expiresAt, now) / millisecondsInDay));
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
  const lengthMinutes = (e.expiresAt.getTime() - e.startsAt.getTime()) / millisecondsInMinute;
  const leftMinutes = (e.expiresAt.getTime() - now.getTime()) / millisecondsInMinute;
  const reached = settings.reminderOffsetsMinutes
    .filter((o) => o < lengthMinutes && leftMinutes <= o)
    .sort((a, b) => a - b);
  const shortest = reached[0];
  if (shortest === undefined) return null;
  return e.remindersSent.some((s) => s <= shortest) ? null : shortest;
}

/** "14 days", "1 day", "1 hour": how far ahead a reminder is. */
export function offsetText(minutes: number): string {
  if (minutes % minutesInDay === 0) return formatDuration({ days: minutes / minutesInDay });
  if (minutes % minutesInHour === 0) return formatDuration({ hours: minutes / minutesInHour });
  return formatDuration({ minutes });
}
