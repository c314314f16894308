import { actorLabel } from "@/server/core/actor";
import type { ChainedContent } from "@/server/core/audit/chain";
import type { Tx } from "@/server/db/client";
import { writeAuditRow } from "@/server/db/audit-buffer";
import { auditKeyring } from "./audit-keys";
import type { ServiceContext } from "./context";

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
 * Appends one event to the audit trail inside the caller's transaction, so the change and its
 * record commit or roll back together. Every state change calls this. It takes no lock: the event
 * is written unlinked (with the transaction's other events, just before it commits: db/audit-buffer.ts), and the sequencer (audit-sequencer.ts) links it into the chain, in commit
 * order, within about a second, with an HMAC under the keyring's current key (held by the
 * process, never by the database).
 */
export async function recordAuditEvent(
  tx: Tx,
  ctx: Pick<ServiceContext, "actor" | "clock" | "request">,
  input: AuditEventInput,
): Promise<void> {
  // A process without an audit key records nothing: its events could never be linked.
  auditKeyring();
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
  await writeAuditRow(tx, content);
}
