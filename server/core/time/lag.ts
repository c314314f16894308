/** A delay in words for status lines: "under a second", "12 s", "3 min 4 s", "2 h 5 min". */
export function lagWords(ms: number): string {
  if (ms < 1000) return "under a second";
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
}
