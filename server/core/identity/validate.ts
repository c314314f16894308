import { isSaneDay, saneDateMessage } from "../input/dates";
import { hrAttributes, isListAttribute, type AttributeValue, type HrAttribute } from "./attributes";

export interface AttributeProblem {
  field: string;
  message: string;
}

export type ValidatedAttributes =
  { ok: true; values: Partial<Record<HrAttribute, AttributeValue>> } | { ok: false; problems: AttributeProblem[] };

const MAX_LENGTH = 200;
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function isRealDay(value: string): boolean {
  if (!ISO_DAY.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/**
 * Checks HR attribute values from any source (HR events, CSV, SCIM, an admin) before they
 * touch a person: unknown attributes, malformed dates and emails, and a missing employment
 * status are refused with the field named. Text is trimmed; empty text means "no value".
 */
export function validateAttributes(input: Record<string, unknown>): ValidatedAttributes {
  const problems: AttributeProblem[] = [];
  const values: Partial<Record<HrAttribute, AttributeValue>> = {};
  for (const [field, raw] of Object.entries(input)) {
    if (!(hrAttributes as readonly string[]).includes(field)) {
      problems.push({ field, message: `${field} is not an HR attribute (known: ${hrAttributes.join(", ")})` });
      continue;
    }
    const attribute = field as HrAttribute;
    if (isListAttribute(attribute)) {
      if (raw === null || raw === undefined) values[attribute] = [];
      else if (
        Array.isArray(raw) &&
        raw.every((t) => typeof t === "string" && t.trim() !== "" && t.length <= MAX_LENGTH)
      ) {
        values[attribute] = [...new Set(raw.map((t: string) => t.trim()))];
      } else
        problems.push({
          field,
          message: `${attribute} must be a list of ${attribute === "groups" ? "group" : "training"} names`,
        });
      continue;
    }
    if (raw !== null && raw !== undefined && typeof raw !== "string") {
      problems.push({ field, message: `${field} must be text` });
      continue;
    }
    const text = raw?.trim() || null;
    if (text && text.length > MAX_LENGTH)
      problems.push({ field, message: `${field} is longer than ${MAX_LENGTH} characters` });
    else if (attribute === "employment_status" && !text)
      problems.push({ field, message: "employment_status cannot be empty" });
    else if (attribute === "hire_date" && text && !isRealDay(text))
      problems.push({ field, message: `hire_date must be a date as YYYY-MM-DD, not "${text}"` });
    else if (attribute === "hire_date" && text && !isSaneDay(text))
      problems.push({ field, message: `hire_date ${saneDateMessage}, not "${text}"` });
    else if (attribute === "manager" && text && !EMAIL.test(text))
      problems.push({ field, message: `manager must be an email, not "${text}"` });
    else values[attribute] = attribute === "manager" && text ? text.toLowerCase() : text;
  }
  return problems.length ? { ok: false, problems } : { ok: true, values };
}
