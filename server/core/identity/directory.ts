/** The columns the identity directory can be sorted by (shared by the service and the page). */
export const identitySortKeys = [
  "name",
  "email",
  "department",
  "job_title",
  "location",
  "status",
  "hire_date",
] as const;
export type IdentitySortKey = (typeof identitySortKeys)[number];
