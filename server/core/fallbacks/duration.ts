/**
 * Durations as fallbacks write them: a whole number and a unit, m (minutes), h (hours),
 * d (days) or w (weeks): `30m`, `4h`, `2d`, `1w`. For words ("4 hours"), use formatDuration
 * from server/core/requests/template.ts.
 */

const UNIT_MINUTES = { w: 60 * 24 * 7, d: 60 * 24, h: 60, m: 1 } as const;
type Unit = keyof typeof UNIT_MINUTES;

/** "4h" → 240; null when it is not a positive whole number with a unit m, h, d or w. */
export function parseDuration(text: string): number | null {
  const m = /^\s*(\d{1,6})\s*([mhdw])\s*$/.exec(text);
  if (!m) return null;
  const minutes = Number(m[1]) * UNIT_MINUTES[m[2] as Unit];
  return minutes > 0 ? minutes : null;
}

/** 240 → "4h", 90 → "90m", 10080 → "1w": the largest unit that divides it, so parseDuration reads it back. */
export function shortDuration(minutes: number): string {
  for (const unit of ["w", "d", "h"] as const) {
    if (minutes % UNIT_MINUTES[unit] === 0) return `${minutes / UNIT_MINUTES[unit]}${unit}`;
  }
  return `${minutes}m`;
}
