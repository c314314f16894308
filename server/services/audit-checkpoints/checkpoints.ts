import { sql } from "drizzle-orm";
import { GENESIS_HASH } from "@/server/core/audit/chain";
import {
  checkpointInput,
  checkpointLabel,
  checkpointName,
  eventLabel,
  parseCheckpoint,
  type AuditCheckpoint,
  type CheckpointBody,
} from "@/server/core/audit/checkpoint";
import { checkpointSignatureProblem, type LocatedCheckpoint } from "@/server/core/audit/verify";
import type { Db } from "@/server/db/client";
import { auditKeyring, hmacSha256, linkHashing, type AuditKeyring } from "../audit-keys";
import type { ServiceContext } from "../context";
import { checkpointSettings } from "./settings";
import { checkpointStores, type CheckpointStore } from "./stores";

export interface LatestCheckpoints {
  /** the newest checkpoint of each readable location, signature verified */
  checkpoints: LocatedCheckpoint[];
  /** locations with a newest file that is not a valid, signed checkpoint: evidence of tampering */
  invalid: string[];
  /** locations with no checkpoint yet, or that could not be read */
  unconfirmed: string[];
}

/** Reads the newest checkpoint of every store that can be read back, and checks its signature. */
export async function readLatestCheckpoints(
  stores: readonly CheckpointStore[],
  keyring: AuditKeyring,
): Promise<LatestCheckpoints> {
  const hashing = linkHashing(keyring);
  const result: LatestCheckpoints = { checkpoints: [], invalid: [], unconfirmed: [] };
  await Promise.all(
    stores.map(async (store) => {
      if (!store.latest) return;
      let found;
      try {
        found = await store.latest();
      } catch (err) {
        result.unconfirmed.push(`${store.location} could not be read: ${(err as Error).message}`);
        return;
      }
      if (!found) {
        result.unconfirmed.push(`${store.location} holds no checkpoint yet`);
        return;
      }
      const parsed = parseCheckpoint(found.text);
      if (!parsed.ok) {
        result.invalid.push(`${found.name} in ${store.location} is not a valid checkpoint (${parsed.problem})`);
        return;
      }
      const located = { location: store.location, name: found.name, checkpoint: parsed.checkpoint };
      const problem = checkpointSignatureProblem(located, hashing);
      if (problem) result.invalid.push(problem);
      else result.checkpoints.push(located);
    }),
  );
  return result;
}

/**
 * The chain's head in one statement (one snapshot): the sequencer links events in transactions
 * of its own, so what a snapshot sees linked is always a prefix of the chain in seq order.
 * Events not linked yet are in no link, so a checkpoint does not count them.
 */
async function readChainHead(db: Db): Promise<Pick<CheckpointBody, "count" | "legacy" | "headId" | "headHash">> {
  const { rows } = await db.execute<{
    count: number;
    legacy: number;
    head_id: string | null;
    head_hash: string | null;
  }>(sql`
    with head as (select id, hash from audit_events where seq is not null order by seq desc limit 1)
    select count(*)::int as count, (count(*) filter (where key_id is null))::int as legacy,
           (select id from head) as head_id, (select hash from head) as head_hash
    from audit_events where seq is not null`);
  const head = rows[0]!;
  return {
    count: head.count,
    legacy: head.legacy,
    headId: head.head_id === null ? null : Number(head.head_id),
    headHash: head.head_hash ?? GENESIS_HASH,
  };
}

/** Null when the database still holds what the checkpoint saw; otherwise what differs. */
async function contradiction(db: Db, { checkpoint: cp, location, name }: LocatedCheckpoint): Promise<string | null> {
  if (cp.count === 0) return null;
  // Up to the checkpoint's head in chain order; a missing head counts nothing.
  const { rows } = await db.execute<{ hash: string | null; count: number; legacy: number }>(sql`
    with head as (select seq, hash from audit_events where id = ${cp.headId})
    select (select hash from head) as hash,
           count(*)::int as count, (count(*) filter (where key_id is null))::int as legacy
    from audit_events where seq <= (select seq from head)`);
  const now = rows[0]!;
  if (now.hash === cp.headHash && now.count === cp.count && now.legacy === cp.legacy) return null;
  const holds =
    now.hash === null
      ? `event #${cp.headId} is missing`
      : `it has ${now.count} events up to ${eventLabel(cp.headId, now.hash)}`;
  return `the database no longer holds what ${checkpointLabel(cp)} (${name} in ${location}) saw, ${cp.count} events ending at ${eventLabel(cp.headId, cp.headHash)}: ${holds}`;
}

export type CheckpointWriteResult =
  | {
      ok: true;
      checkpoint: AuditCheckpoint;
      name: string;
      written: { location: string; outcome: "written" | "exists" }[];
      failed: { location: string; problem: string }[];
    }
  /** Not written: the database contradicts an earlier checkpoint, which must stay the newest until someone looks. */
  | { ok: false; refused: string };

/**
 * Writes a signed checkpoint of the chain's head to every configured location. Reads only, in
 * no transaction; the files and requests come after. Runs hourly on every instance and on demand:
 * two at once write two checkpoints (or one, with the same name), both true.
 *
 * It refuses to write while the database contradicts the newest checkpoint it can read (events
 * removed or changed since): otherwise the next checkpoint would bury the evidence.
 */
export async function writeAuditCheckpoint({
  ctx,
  keyring = auditKeyring(),
  stores,
}: {
  ctx: Pick<ServiceContext, "db" | "clock">;
  keyring?: AuditKeyring;
  stores?: CheckpointStore[];
}): Promise<CheckpointWriteResult> {
  const targets = stores ?? checkpointStores(checkpointSettings());
  try {
    // The earlier checkpoints first, then the head: the head then includes everything they saw.
    const earlier = await readLatestCheckpoints(targets, keyring);
    if (earlier.invalid.length) return { ok: false, refused: earlier.invalid[0]! };
    for (const located of earlier.checkpoints) {
      const problem = await contradiction(ctx.db, located);
      if (problem) return { ok: false, refused: problem };
    }
    const body: CheckpointBody = {
      version: 1,
      ...(await readChainHead(ctx.db)),
      at: ctx.clock().toISOString(),
      keyId: keyring.current.id,
    };
    const checkpoint: AuditCheckpoint = { ...body, signature: hmacSha256(keyring.current, checkpointInput(body)) };
    const name = checkpointName(checkpoint);
    const text = `${JSON.stringify(checkpoint, null, 2)}\n`;
    const outcomes = await Promise.allSettled(targets.map((store) => store.write(name, text, new Date(body.at))));
    return {
      ok: true,
      checkpoint,
      name,
      written: outcomes.flatMap((o, i) =>
        o.status === "fulfilled" ? [{ location: targets[i]!.location, outcome: o.value }] : [],
      ),
      failed: outcomes.flatMap((o, i) =>
        o.status === "rejected"
          ? [{ location: targets[i]!.location, problem: (o.reason as Error)?.message ?? String(o.reason) }]
          : [],
      ),
    };
  } finally {
    if (!stores) for (const s of targets) s.close?.();
  }
}
