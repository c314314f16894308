/**
 * Only an Active identity may sign in or hold access (invariant 3). HR systems spell the
 * status in several ways, so the comparison ignores case and surrounding space.
 */
export function isActiveStatus(status: string | null | undefined): boolean {
  return (status ?? "").trim().toLowerCase() === "active";
}
