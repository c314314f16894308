import type { AttributeValue, HrAttribute } from "@/server/core/identity/attributes";
import { identities } from "./schema";

type IdentityRow = typeof identities.$inferSelect;

/** The columns HR attributes live in, for a query that selects only them (attributeColumns). */
export type AttributeRow = Pick<
  IdentityRow,
  | "department"
  | "jobTitle"
  | "team"
  | "location"
  | "employmentType"
  | "employmentStatus"
  | "jobLevel"
  | "hireDate"
  | "costCenter"
  | "trainings"
  | "groups"
>;

/** A selection of just those columns: `db.select({ ...attributeColumns, ... })`. */
export const attributeColumns = {
  department: identities.department,
  jobTitle: identities.jobTitle,
  team: identities.team,
  location: identities.location,
  employmentType: identities.employmentType,
  employmentStatus: identities.employmentStatus,
  jobLevel: identities.jobLevel,
  hireDate: identities.hireDate,
  costCenter: identities.costCenter,
  trainings: identities.trainings,
  groups: identities.groups,
};

/** HR attributes of a row, keyed as the policy language names them; manager is an email. */
export function attributesOf(row: AttributeRow, managerEmail: string | null): Record<HrAttribute, AttributeValue> {
  return {
    department: row.department,
    job_title: row.jobTitle,
    team: row.team,
    location: row.location,
    employment_type: row.employmentType,
    employment_status: row.employmentStatus,
    job_level: row.jobLevel,
    hire_date: row.hireDate,
    manager: managerEmail,
    cost_center: row.costCenter,
    trainings: row.trainings,
    groups: row.groups,
  };
}

/** The columns to write for HR attribute values (manager is resolved by the caller). */
export function columnsFor(
  values: Partial<Record<Exclude<HrAttribute, "manager">, AttributeValue>>,
): Partial<IdentityRow> {
  const text = (v: AttributeValue | undefined) => (Array.isArray(v) ? v.join(", ") : v);
  const cols: Partial<IdentityRow> = {};
  if ("department" in values) cols.department = text(values.department) ?? null;
  if ("job_title" in values) cols.jobTitle = text(values.job_title) ?? null;
  if ("team" in values) cols.team = text(values.team) ?? null;
  if ("location" in values) cols.location = text(values.location) ?? null;
  if ("employment_type" in values) cols.employmentType = text(values.employment_type) ?? null;
  // Validation guarantees a status is never empty (server/core/identity/validate.ts).
  if ("employment_status" in values) cols.employmentStatus = String(text(values.employment_status));
  if ("job_level" in values) cols.jobLevel = text(values.job_level) ?? null;
  if ("hire_date" in values) cols.hireDate = text(values.hire_date) ?? null;
  if ("cost_center" in values) cols.costCenter = text(values.cost_center) ?? null;
  const list = (v: AttributeValue | undefined) => (Array.isArray(v) ? v : v ? [v] : []);
  if ("trainings" in values) cols.trainings = list(values.trainings);
  if ("groups" in values) cols.groups = list(values.groups);
  return cols;
}
