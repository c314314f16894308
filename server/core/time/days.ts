import { tz } from "@date-fns/tz";
import { addDays, endOfDay, format, isEqual, parseISO, startOfDay } from "date-fns";

/**
 * The end of a calendar day someone gave ("expires on 2025-01-06") in a zone: its last
 * millisecond, so the access lasts through that day and the day shown back is the one given.
 * Daylight saving moves it in UTC, never off the day's end.
 */
export function endOfDayIn(day: string, zone: string): Date {
  return new Date(endOfDay(parseISO(day, { in: tz(zone) }), { in: tz(zone) }).getTime());
}

/** The next midnight in a zone at or after a moment: the end of the day it falls on. */
export function midnightEnding(at: Date, zone: string): Date {
  const start = startOfDay(at, { in: tz(zone) });
  return new Date(isEqual(start, at) ? at.getTime() : addDays(start, 1).getTime());
}

/** A date or datetime-local input's value ("2030-01-06", "2030-01-06T09:00") read as wall-clock time in a zone. */
export function wallClockIn(value: string, zone: string): Date {
  return new Date(parseISO(value, { in: tz(zone) }).getTime());
}

/** The value for a datetime-local input that shows a moment in a zone ("2030-01-06T09:00"). */
export function wallClockValue(at: Date, zone: string): string {
  return format(at, "yyyy-MM-dd'T'HH:mm", { in: tz(zone) });
}

/** Whole days from the first to the last given, in a zone: from its first midnight to the midnight after the last day. */
export function daysIn(firstDay: string, lastDay: string, zone: string): { startsAt: Date; endsAt: Date } {
  const endsAt = addDays(parseISO(lastDay, { in: tz(zone) }), 1, { in: tz(zone) });
  return { startsAt: wallClockIn(firstDay, zone), endsAt: new Date(endsAt.getTime()) };
}

/** The day a number of days after a moment, in a zone ("2026-12-16"): a date input's default. */
export function dayAfter(at: Date, days: number, zone: string): string {
  return format(addDays(at, days, { in: tz(zone) }), "yyyy-MM-dd", { in: tz(zone) });
}
