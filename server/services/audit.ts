import { desc, sql } from "drizzle-orm";
import { actorLabel } from "@/server/core/actor";
import { GENESIS_HASH, keyedChainInput, type ChainedContent } from "@/server/core/audit/chain";
import type { Tx } from "@/server/db/client";
import { auditEvents } from "@/server/db/schema";
import { auditKeyring, hmacSha256 } from "./audit-keys";
import type { ServiceContext } from "./context";

// Serializes writers of the chain: each event must see the hash of the one committed before it.
const AUDIT_CHAIN_LOCK = 7_414_002;

export interface AuditEventInput {
  action: string;
  subjectType: string;
  subjectId?: string | null;
  before?: unknown;
  after?: unknown;
  reason?: string | null;
  /** Extra facts about the decision (policy version, ...); request ip and user agent are added. */
  context?: Record<string, unknown>;
}

/**
 * Appends one event to the audit chain inside the caller's transaction, so the change and
 * its record commit or roll back together. Every state change calls this. The link is an
 * HMAC-SHA256 under the keyring's current key (held by the process, never by the database),
 * and the row names that key.
 */
export async function recordAuditEvent(
  tx: Tx,
  ctx: Pick<ServiceContext, "actor" | "clock" | "request">,
  input: AuditEventInput,
): Promise<{ id: number; hash: string }> {
  // Read before taking the lock: a missing key fails here, without holding up other writers.
  const key = auditKeyring().current;
  await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`);
  const [last] = await tx.select({ hash: auditEvents.hash }).from(auditEvents).orderBy(desc(auditEvents.id)).limit(1);
  const prevHash = last?.hash ?? GENESIS_HASH;
  const content: ChainedContent = {
    occurredAt: ctx.clock(),
    actorType: ctx.actor.type,
    actorId: ctx.actor.type === "identity" ? ctx.actor.identityId : null,
    actorLabel: actorLabel(ctx.actor),
    action: input.action,
    subjectType: input.subjectType,
    subjectId: input.subjectId ?? null,
    before: input.before ?? null,
    after: input.after ?? null,
    reason: input.reason ?? null,
    context: {
      ...(ctx.request?.ip ? { ip: ctx.request.ip } : {}),
      ...(ctx.request?.userAgent ? { userAgent: ctx.request.userAgent } : {}),
      ...input.context,
    },
  };
  // jsonb keeps JSON values only; the hash must be computed over what will be read back.
  const stored = JSON.parse(JSON.stringify(content)) as Omit<ChainedContent, "occurredAt">;
  const hash = hmacSha256(key, keyedChainInput(key.id, prevHash, { ...stored, occurredAt: content.occurredAt }));
  const [row] = await tx
    .insert(auditEvents)
    .values({ ...stored, occurredAt: content.occurredAt, prevHash, hash, keyId: key.id })
    .returning({ id: auditEvents.id });
  return { id: row!.id, hash };
}
