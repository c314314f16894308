/**
 * Durations as fallbacks and settings write them: a whole number and a unit, m (minutes), h (hours),
 * d (days) or w (weeks): `30m`, `4h`, `2d`, `1w`; and in words ("4 hours") through date-fns.
 */
import { formatDuration as durationInWords, type Duration } from "date-fns";

const minutesInHour = 60;
const minutesInDay = 24 * minutesInHour;
const daysInWeek = 7;

const UNITS = [
  { short: "w", minutes: minutesInDay * daysInWeek, name: "weeks" },
  { short: "d", minutes: minutesInDay, name: "days" },
  { short: "h", minutes: minutesInHour, name: "hours" },
  { short: "m", minutes: 1, name: "minutes" },
] as const satisfies readonly { short: string; minutes: number; name: keyof Duration }[];

/** The largest unit that divides a number of minutes, and how many of it. */
function inLargestUnit(minutes: number) {
  const unit = UNITS.find((u) => minutes % u.minutes === 0) ?? UNITS[3];
  return { unit, count: minutes / unit.minutes };
}

/** "4h" → 240; null when it is not a positive whole number with a unit m, h, d or w. */
export function parseDuration(text: string): number | null {
  const m = /^\s*(\d{1,6})\s*([mhdw])\s*$/.exec(text);
  if (!m) return null;
  const minutes = Number(m[1]) * UNITS.find((u) => u.short === m[2])!.minutes;
  return minutes > 0 ? minutes : null;
}

/** 240 → "4h", 90 → "90m", 10080 → "1w": the largest unit that divides it, so parseDuration reads it back. */
export function shortDuration(minutes: number): string {
  const { unit, count } = inLargestUnit(minutes);
  return `${count}${unit.short}`;
}

/** 30 → "30 minutes", 480 → "8 hours", 60480 → "6 weeks", 1440 → "1 day" (the largest unit that divides it). */
export function durationWords(minutes: number): string {
  let words = wordsOf.get(minutes);
  if (words === undefined) {
    const { unit, count } = inLargestUnit(minutes);
    words = durationInWords({ [unit.name]: count }, { zero: true });
    // Lists word the same few durations on every row: keep a bounded few hundred.
    if (wordsOf.size >= 500) wordsOf.clear();
    wordsOf.set(minutes, words);
  }
  return words;
}
const wordsOf = new Map<number, string>();
