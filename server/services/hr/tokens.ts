import { createHash, randomBytes } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { DomainError } from "@/server/core/errors";
import { windowStartOf, type RateLimitRule } from "@/server/core/rate-limit";
import { hrSources, rateLimitBuckets } from "@/server/db/schema";
import { recordAuditEvent } from "../audit";
import type { ServiceContext } from "../context";
import { hitStatement, stateOfHit, stateOfPeek, type LimiterContext } from "../rate-limits";

/** A source's bearer token: 192 random bits, shown once; only its SHA-256 is stored. */
export const newHrToken = () => `hr_${randomBytes(24).toString("base64url")}`;
export const tokenHash = (token: string) => createHash("sha256").update(token).digest("hex");

function reasonOf(text: string) {
  const reason = text.trim();
  if (reason.length < 3)
    throw new DomainError("INVALID_INPUT", "Say why (the audit trail keeps it)", { field: "reason" });
  return reason;
}

/**
 * IT gives a source a new token, shown once: the old one stops working at once (a leaked token, a
 * routine rotation). A revoked source comes back this way, with the people it manages.
 */
export async function rotateHrSourceToken({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { key: string; reason: string };
}) {
  const reason = reasonOf(input.reason);
  const token = newHrToken();
  return ctx.db.transaction(async (tx) => {
    const [source] = await tx.select().from(hrSources).where(eq(hrSources.key, input.key)).for("update");
    if (!source) throw new DomainError("NOT_FOUND", `There is no HR source "${input.key}"`, { field: "key" });
    await tx
      .update(hrSources)
      .set({ tokenHash: tokenHash(token), revokedAt: null })
      .where(eq(hrSources.key, source.key));
    await recordAuditEvent(tx, ctx, {
      action: "hr_source.token_rotated",
      subjectType: "hr_source",
      subjectId: source.key,
      before: { revoked: source.revokedAt !== null },
      after: { revoked: false },
      reason,
    });
    return { key: source.key, token };
  });
}

/**
 * IT stops a source's token: HR events and SCIM calls with it are refused from now on, and its
 * events still waiting for their day fail on that day. Its people stay as they are; IT can hand
 * them to another source, or give this one a new token.
 */
export async function revokeHrSource({ ctx, input }: { ctx: ServiceContext; input: { key: string; reason: string } }) {
  const reason = reasonOf(input.reason);
  return ctx.db.transaction(async (tx) => {
    const [source] = await tx.select().from(hrSources).where(eq(hrSources.key, input.key)).for("update");
    if (!source) throw new DomainError("NOT_FOUND", `There is no HR source "${input.key}"`, { field: "key" });
    if (source.revokedAt)
      throw new DomainError("CONFLICT", `${source.name}'s token was already revoked`, { field: "key" });
    const now = ctx.clock();
    await tx.update(hrSources).set({ revokedAt: now }).where(eq(hrSources.key, source.key));
    await recordAuditEvent(tx, ctx, {
      action: "hr_source.revoked",
      subjectType: "hr_source",
      subjectId: source.key,
      before: { revoked: false },
      after: { revoked: true, at: now.toISOString() },
      reason,
    });
    return { key: source.key, revokedAt: now };
  });
}

/** A missing, unknown or revoked token: the same words whichever it is. */
export const unknownSourceToken = () =>
  new DomainError("UNAUTHENTICATED", "A valid HR source token is required (Authorization: Bearer …)");

type Limit = { bucket: string; rule: RateLimitRule };

/**
 * What a token request needs to know, in one round trip (every SCIM and HR event request asks it
 * first): whether the address has spent its wrong tokens (`wrong`, peeked), which HR source the
 * token belongs to, and, for a right token, the address's general limit with this request counted
 * (`limit`). The caller refuses in that order and counts a wrong token itself.
 */
export async function checkSourceToken(
  ctx: LimiterContext,
  input: { token: string | null; wrong: Limit | null; limit: Limit | null },
) {
  const now = ctx.clock();
  const s = hrSources;
  const b = rateLimitBuckets;
  // A right token is counted unless the address has spent its wrong tokens (stateOfPeek's test):
  // that request is refused before the limit, and must not use it up.
  const spent = input.wrong
    ? sql`exists (select 1 from wrong where window_start >= ${windowStartOf(now, input.wrong.rule.windowSeconds).toISOString()}::timestamptz
        and hits + 1 > ${input.wrong.rule.limit}::integer)`
    : sql`false`;
  const hit = input.limit
    ? hitStatement(now, input.limit.bucket, input.limit.rule, 1, sql`exists (select 1 from source) and not ${spent}`)
    : sql`select null::integer as hits, null::float8 as window_ms where false`;
  const { rows } = await ctx.db.execute<{
    key: string | null;
    name: string | null;
    wrong_hits: number | null;
    wrong_ms: number | null;
    hits: number | null;
    window_ms: number | null;
  }>(sql`
    with source as (
      select ${s.key} as key, ${s.name} as name from ${s}
      where ${s.tokenHash} = ${input.token ? tokenHash(input.token) : null} and ${s.revokedAt} is null
    ),
    wrong as (select ${b.hits} as hits, ${b.windowStart} as window_start from ${b} where ${b.bucket} = ${input.wrong?.bucket ?? null}),
    hit as (${hit})
    select (select key from source) as key, (select name from source) as name,
      (select hits from wrong) as wrong_hits,
      (select (extract(epoch from window_start) * 1000)::float8 from wrong) as wrong_ms,
      (select hits from hit) as hits, (select window_ms from hit) as window_ms`);
  const row = rows[0]!;
  return {
    wrong: input.wrong
      ? stateOfPeek(
          now,
          row.wrong_hits === null ? null : { hits: row.wrong_hits, windowStart: new Date(row.wrong_ms!) },
          input.wrong.rule,
        )
      : null,
    source: row.key === null ? null : { key: row.key, name: row.name! },
    limit:
      input.limit && row.hits !== null
        ? stateOfHit(now, { hits: row.hits, window_ms: row.window_ms! }, input.limit.rule)
        : null,
  };
}
