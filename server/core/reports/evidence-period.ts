const DAY_MS = 86_400_000;
const day = (d: Date) => d.toISOString().slice(0, 10);

/** The pack's default period: the last 90 days up to today, or since the first event when that is later (a new install). */
export function defaultEvidencePeriod(firstEventAt: Date | null, now: Date): { from: string; to: string } {
  const ninetyDaysAgo = new Date(now.getTime() - 89 * DAY_MS);
  const from = firstEventAt && firstEventAt > ninetyDaysAgo ? firstEventAt : ninetyDaysAgo;
  return { from: day(from > now ? now : from), to: day(now) };
}
