/** Shared classes for the template editor's controls. */
export const inputClass = "mt-1 w-full rounded-md border border-slate-300 px-3 py-2 text-sm";
export const smallInput = "rounded-md border border-slate-300 px-2 py-1.5 text-sm";
export const labelClass = "text-sm font-medium text-slate-800";

export const units = [
  { label: "minutes", minutes: 1 },
  { label: "hours", minutes: 60 },
  { label: "days", minutes: 60 * 24 },
  { label: "weeks", minutes: 60 * 24 * 7 },
] as const;

/** The largest unit that divides a number of minutes exactly, for editing. */
export function splitDuration(minutes: number): { amount: number; unit: number } {
  for (const u of [...units].reverse())
    if (minutes % u.minutes === 0) return { amount: minutes / u.minutes, unit: u.minutes };
  return { amount: minutes, unit: 1 };
}
