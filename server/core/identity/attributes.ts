/** The HR attributes of an identity, in the order people read them. */
export const hrAttributes = [
  "department",
  "job_title",
  "team",
  "location",
  "employment_type",
  "employment_status",
  "job_level",
  "hire_date",
  "manager",
  "cost_center",
  "trainings",
  "groups",
] as const;

export type HrAttribute = (typeof hrAttributes)[number];

export const hrAttributeLabels: Record<HrAttribute, string> = {
  department: "Department",
  job_title: "Job title",
  team: "Team",
  location: "Location",
  employment_type: "Employment type",
  employment_status: "Employment status",
  job_level: "Job level",
  hire_date: "Hire date",
  manager: "Manager",
  cost_center: "Cost center",
  trainings: "Trainings",
  groups: "Groups",
};

/** Attributes that hold a list of names; policies test them with `includes`. */
export const listAttributes = ["trainings", "groups"] as const satisfies readonly HrAttribute[];
export const isListAttribute = (attribute: string) => (listAttributes as readonly string[]).includes(attribute);

export type AttributeValue = string | string[] | null;

export interface AttributeChange {
  attribute: HrAttribute;
  oldValue: AttributeValue;
  newValue: AttributeValue;
}

/** Whether two values are the same (lists in any order). */
export const sameValue = (a: AttributeValue, b: AttributeValue) =>
  Array.isArray(a) && Array.isArray(b)
    ? a.length === b.length && [...a].sort().every((v, i) => v === [...b].sort()[i])
    : a === b;

/** A value someone gave: not null, empty text or an empty list. */
export const hasValue = (v: unknown) =>
  v !== null && v !== undefined && v !== "" && !(Array.isArray(v) && v.length === 0);

/** The attribute changes between two snapshots, ignoring attributes that did not change. */
export function diffAttributes(
  before: Partial<Record<HrAttribute, AttributeValue>>,
  after: Partial<Record<HrAttribute, AttributeValue>>,
): AttributeChange[] {
  return hrAttributes
    .filter((a) => a in after && !sameValue(before[a] ?? null, after[a] ?? null))
    .map((a) => ({ attribute: a, oldValue: before[a] ?? null, newValue: after[a] ?? null }));
}
