import { z } from "zod";

/**
 * Dates Clearance accepts from anyone: years 1900 to 2200 (UTC). Wider than any hire date, expiry
 * or delegation needs, narrower than what breaks: PostgreSQL refuses year 0 and what node-postgres
 * writes for years past 9999, and a date centuries away is a typo or a probe, never a plan.
 */
export const saneYears = { first: 1900, last: 2200 } as const;

const earliest = Date.UTC(saneYears.first, 0, 1);
const latest = Date.UTC(saneYears.last + 1, 0, 1) - 1;

export const saneDateMessage = `must be a date between the years ${saneYears.first} and ${saneYears.last}`;

/** A valid Date within the sane years. */
export const isSaneDate = (date: Date) => {
  const time = date.getTime();
  return Number.isFinite(time) && time >= earliest && time <= latest;
};

/** A day as YYYY-MM-DD that exists on the calendar (no 2026-02-30) and lies within the sane years. */
export function isSaneDay(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return isSaneDate(date) && date.toISOString().slice(0, 10) === value;
}

/** z.date() within the sane years: for procedure inputs (superjson sends Dates). */
export const saneDate = () => z.date({ error: "must be a date" }).refine(isSaneDate, saneDateMessage);

/** z.coerce.date() within the sane years, for inputs that may arrive as text or a number. */
export const saneCoercedDate = () => z.coerce.date({ error: "must be a date" }).refine(isSaneDate, saneDateMessage);

/** z.iso.date() (YYYY-MM-DD) within the sane years. */
export const saneIsoDate = (message = "a date (YYYY-MM-DD)") =>
  z.iso.date(message).refine((day) => isSaneDay(day), saneDateMessage);

/** z.iso.datetime() with an offset, within the sane years. */
export const saneIsoDateTime = () =>
  z.iso.datetime({ offset: true }).refine((instant) => isSaneDate(new Date(instant)), saneDateMessage);

/**
 * A day (YYYY-MM-DD, read in the organization's zone by the service) or a moment, within the sane years, with
 * one message for both (a plain union would answer only "Invalid input"). `coerce`: a moment may arrive as
 * text or a number.
 */
export const saneDayOrMoment = ({ coerce = false } = {}) =>
  z
    .union([z.iso.date(), coerce ? z.coerce.date({ error: "must be a date" }) : z.date({ error: "must be a date" })])
    .refine((value) => (typeof value === "string" ? isSaneDay(value) : isSaneDate(value)), saneDateMessage);
