import { createHash, randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { DomainError } from "@/server/core/errors";
import { hrSources } from "@/server/db/schema";
import { recordAuditEvent } from "../audit";
import type { ServiceContext } from "../context";

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
