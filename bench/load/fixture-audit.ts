import { randomUUID } from "node:crypto";
import type pg from "pg";
import { GENESIS_HASH, keyedChainInput, type ChainedContent } from "@/server/core/audit/chain";
import { auditKeyring, hmacSha256 } from "@/server/services/audit-keys";
import { Rng } from "../rng";
import { copyRows, type Cell } from "./copy";

/**
 * A year of audit events (1,005,000 with the exceptions' and requests' own) written with COPY.
 * The chain must verify afterwards, so each row is linked the way server/services/audit.ts links
 * it: HMAC-SHA256 under the keyring's current key over keyedChainInput(prevHash, content),
 * continuing from the last event already in the table. When the table lets hash and prev_hash be
 * null (the app chains appended events itself, with a sequencer), rows go in unchained and the
 * app's sequencer links them.
 */

/** With the seed's event and the 4,995 requests' own, 1,005,000 in all. */
export const AUDIT_EVENTS = 1_000_004;

const ACTIONS: [string, string][] = [
  ["auth.signed_in", "portal_session"],
  ["auth.signed_out", "portal_session"],
  ["identity.attributes_changed", "identity"],
  ["request.submitted", "access_request"],
  ["request.approved", "access_request"],
  ["request.denied", "access_request"],
  ["exception.created", "access_exception"],
  ["exception.expired", "access_exception"],
  ["provisioning.granted", "access_exception"],
  ["provisioning.revoked", "access_exception"],
];

interface Actor {
  id: string;
  email: string;
  name: string;
}

/** Whether the app chains rows itself (hash nullable): then the fixture leaves the links to it. */
async function appChains(client: pg.ClientBase): Promise<boolean> {
  const { rows } = await client.query<{ is_nullable: string }>(
    "select is_nullable from information_schema.columns where table_name = 'audit_events' and column_name = 'hash'",
  );
  return rows[0]?.is_nullable === "YES";
}

export async function copyAuditEvents(
  client: pg.ClientBase,
  actors: Actor[],
  now: Date,
  count = AUDIT_EVENTS,
): Promise<{ chained: boolean }> {
  const rng = new Rng(14_101);
  const chained = !(await appChains(client));
  const key = auditKeyring().current;
  const last = await client.query<{ hash: string | null }>("select hash from audit_events order by id desc limit 1");
  let prevHash = last.rows[0]?.hash ?? GENESIS_HASH;
  const yearMs = 365 * 86_400_000;
  const start = now.getTime() - yearMs;
  const step = (yearMs - 3_600_000) / count;

  function* rows(): Generator<Cell[]> {
    for (let i = 0; i < count; i++) {
      const [action, subjectType] = ACTIONS[rng.int(ACTIONS.length)]!;
      const actor = actors[rng.int(actors.length)]!;
      const content: ChainedContent = {
        occurredAt: new Date(Math.floor(start + i * step)),
        actorType: "identity",
        actorId: actor.id,
        actorLabel: `${actor.name} <${actor.email}>`,
        action,
        subjectType,
        subjectId: subjectType === "identity" ? actors[rng.int(actors.length)]!.id : randomUUID(),
        before: action === "identity.attributes_changed" ? { team: "Core" } : null,
        after: action === "identity.attributes_changed" ? { team: "Platform" } : { n: i },
        reason: action.startsWith("request") ? "Quarter-end close needs the finance reports" : null,
        context: { ip: `10.0.${rng.int(256)}.${rng.int(256)}`, userAgent: "Mozilla/5.0 (load bench)" },
      };
      const base: Cell[] = [
        content.occurredAt,
        content.actorType,
        content.actorId,
        content.actorLabel,
        content.action,
        content.subjectType,
        content.subjectId,
        content.before as Cell,
        content.after as Cell,
        content.reason,
        content.context as Cell,
      ];
      if (!chained) {
        yield base;
        continue;
      }
      const hash = hmacSha256(key, keyedChainInput(key.id, prevHash, content));
      yield [...base, prevHash, hash, key.id];
      prevHash = hash;
    }
  }
  const columns = [
    "occurred_at",
    "actor_type",
    "actor_id",
    "actor_label",
    "action",
    "subject_type",
    "subject_id",
    "before",
    "after",
    "reason",
    "context",
    ...(chained ? ["prev_hash", "hash", "key_id"] : []),
  ];
  // One writer at a time on the chain, as the app's writers take it (server/services/audit.ts).
  await client.query("begin");
  try {
    if (chained) await client.query("select pg_advisory_xact_lock(7414002)");
    await copyRows(client, "audit_events", columns, rows());
    await client.query("commit");
  } catch (err) {
    await client.query("rollback").catch(() => undefined);
    throw err;
  }
  return { chained };
}
