import { tz, tzName } from "@date-fns/tz";
import { format, formatDistanceStrict } from "date-fns";

type When = Date | string | null | undefined;

/** "2 Dec 2026, 14:05 GMT+1", "2 Dec 2026, 08:05 EST": a moment in a zone, the zone named; seconds where order matters (audit). */
export function formatWhen(d: When, zone: string, { seconds = false } = {}): string {
  if (!d) return "—";
  const date = new Date(d);
  const time = format(date, seconds ? "d MMM yyyy, HH:mm:ss" : "d MMM yyyy, HH:mm", { in: tz(zone) });
  return `${time} ${zoneAbbreviation(zone, date)}`;
}

/** "2026-12-02": the calendar day a moment falls on in a zone. */
export function formatDay(d: When, zone: string): string {
  return d ? format(new Date(d), "yyyy-MM-dd", { in: tz(zone) }) : "—";
}

/** "EST", "GMT+1", "UTC": the short name of a zone at a moment (it changes with daylight saving). */
export function zoneAbbreviation(zone: string, at: Date): string {
  return zone === "UTC" ? "UTC" : tzName(zone, at, "short");
}

/** "Europe/Berlin (GMT+1)": a zone as a person picks it. */
export const zoneLabel = (zone: string, at: Date) => `${zone} (${zoneAbbreviation(zone, at)})`;

/** "38 days", "5 hours", "20 minutes": time left, in the largest unit that is at least two (one for minutes). */
export function remaining(ms: number): string {
  if (ms <= 0) return "expired";
  const unit = ms >= 2 * 86_400_000 ? "day" : ms >= 2 * 3_600_000 ? "hour" : "minute";
  return formatDistanceStrict(0, Math.max(ms, 60_000), { unit, roundingMethod: unit === "day" ? "ceil" : "floor" });
}
