import { tz } from "@date-fns/tz";
import { addDays, isEqual, parseISO, startOfDay } from "date-fns";

/**
 * The midnight at which a calendar day ("2025-01-06") begins in a zone: how a day someone gives
 * ("expires 2025-01-06") becomes a moment, as seed 000 dates expiries. Daylight saving moves it
 * in UTC, never off midnight.
 */
export function midnightStarting(day: string, zone: string): Date {
  return new Date(startOfDay(parseISO(day, { in: tz(zone) }), { in: tz(zone) }).getTime());
}

/** The next midnight in a zone at or after a moment: the end of the day it falls on. */
export function midnightEnding(at: Date, zone: string): Date {
  const start = startOfDay(at, { in: tz(zone) });
  return new Date(isEqual(start, at) ? at.getTime() : addDays(start, 1).getTime());
}
