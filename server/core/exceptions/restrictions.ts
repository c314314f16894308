import { z } from "zod";

/** The broadest ranges an allow list may hold: wider ones (0.0.0.0/0, a /8) restrict nothing worth the name. */
export const WIDEST_IPV4_PREFIX = 16;
export const WIDEST_IPV6_PREFIX = 32;

const ipv4 = z.ipv4();
const ipv6 = z.ipv6();
const cidrv4 = z.cidrv4();
const cidrv6 = z.cidrv6();

/** Why an allow-list entry is refused, or null: an IPv4/IPv6 address or CIDR range, no broader than /16 (/32 for IPv6). */
export function ipRangeProblem(entry: string): string | null {
  if (ipv4.safeParse(entry).success || ipv6.safeParse(entry).success) return null;
  const v4 = cidrv4.safeParse(entry).success;
  if (!v4 && !cidrv6.safeParse(entry).success)
    return `${entry} is not an IP address or CIDR range (e.g. 203.0.113.0/24)`;
  const prefix = Number(entry.split("/")[1]);
  const widest = v4 ? WIDEST_IPV4_PREFIX : WIDEST_IPV6_PREFIX;
  if (prefix < widest) return `${entry} is too broad: an allow list takes ranges of /${widest} or narrower`;
  return null;
}

export const ipRangeSchema = z
  .string()
  .trim()
  .superRefine((entry, ctx) => {
    const problem = ipRangeProblem(entry);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

/**
 * Vendor restrictions (seed 000, pattern 5), kept on a request and its exceptions and passed to
 * adapters: where the person may connect from, whether a second factor is required, how long a
 * session may last and how many may be open at once.
 */
export const restrictionsSchema = z.strictObject({
  ipAllowList: z.array(ipRangeSchema).min(1, "name at least one range, or leave the allow list out").max(50).optional(),
  mfaRequired: z.boolean().optional(),
  sessionMinutes: z
    .int()
    .min(5)
    .max(24 * 60)
    .optional(),
  maxSessions: z.int().min(1).max(100).optional(),
});
export type Restrictions = z.infer<typeof restrictionsSchema>;

/** Reads restrictions stored as JSON (an exception's or a request's column); anything unreadable is none. */
export function storedRestrictions(value: unknown): Restrictions {
  const parsed = restrictionsSchema.safeParse(value ?? {});
  return parsed.success ? parsed.data : {};
}

export function hasRestrictions(r: Restrictions | null | undefined): boolean {
  return Boolean(r && (r.ipAllowList?.length || r.mfaRequired || r.sessionMinutes || r.maxSessions));
}

/** "MFA required", "from 203.0.113.0/24", "sessions end after 8 hours", "at most 2 sessions at once". */
export function describeRestrictions(r: Restrictions | null | undefined): string[] {
  if (!r) return [];
  const out: string[] = [];
  if (r.mfaRequired) out.push("MFA required");
  if (r.ipAllowList?.length) out.push(`only from ${r.ipAllowList.join(", ")}`);
  if (r.sessionMinutes) {
    const length =
      r.sessionMinutes % 60 === 0
        ? `${r.sessionMinutes / 60} hour${r.sessionMinutes === 60 ? "" : "s"}`
        : `${r.sessionMinutes} minutes`;
    out.push(`sessions end after ${length}`);
  }
  if (r.maxSessions) out.push(`at most ${r.maxSessions} session${r.maxSessions === 1 ? "" : "s"} at once`);
  return out;
}

/**
 * Seed 000, pattern 5, for an exception IT proposes: vendor access is restricted (MFA or an IP
 * allow list, and a session length), the same rule as a vendor template's; other types carry none.
 */
export function exceptionRestrictionProblems(type: string, r: Restrictions): { field: string; message: string }[] {
  if (type !== "vendor")
    return hasRestrictions(r) ? [{ field: "restrictions", message: "only vendor exceptions carry restrictions" }] : [];
  const problems: { field: string; message: string }[] = [];
  if (!r.mfaRequired && !r.ipAllowList?.length)
    problems.push({ field: "restrictions.mfaRequired", message: "vendor access needs MFA, an IP allow list, or both" });
  if (!r.sessionMinutes)
    problems.push({ field: "restrictions.sessionMinutes", message: "say how long a vendor session may last" });
  return problems;
}
