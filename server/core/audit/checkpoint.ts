import { z } from "zod";
import { AUDIT_KEY_ID, canonicalJson, GENESIS_HASH } from "./chain";

/**
 * A checkpoint states, signed with an audit key, what the chain looked like at one moment: how
 * many events it had, how many of them were legacy (unkeyed), and the last one's id and hash.
 * Checkpoints are written outside the database, so removing events from the end of the chain (which
 * leaves every remaining link intact) still shows: the database then holds less than a checkpoint saw.
 */
export interface CheckpointBody {
  version: 1;
  count: number;
  /** Events at the start of the chain written before audit keys existed; fixed once a keyed event exists. */
  legacy: number;
  /** null for an empty chain */
  headId: number | null;
  headHash: string;
  /** ISO time the head was read */
  at: string;
  keyId: string;
}

export interface AuditCheckpoint extends CheckpointBody {
  /** hex HMAC-SHA256 of checkpointInput(body) under the key named keyId */
  signature: string;
}

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, "must be 64 hex digits");

const checkpointSchema = z
  .strictObject({
    version: z.literal(1),
    count: z.int().min(0),
    legacy: z.int().min(0),
    headId: z.int().positive().nullable(),
    headHash: hex64,
    at: z.iso.datetime(),
    keyId: z.string().regex(AUDIT_KEY_ID),
    signature: hex64,
  })
  .refine((c) => (c.count === 0) === (c.headId === null) && c.legacy <= c.count, {
    message: "count, legacy and headId disagree",
  })
  .refine((c) => c.count > 0 || c.headHash === GENESIS_HASH, { message: "an empty chain's head is the genesis hash" });

/** The exact text whose HMAC-SHA256 is a checkpoint's signature (distinct from any event's input). */
export function checkpointInput(body: CheckpointBody): string {
  const { version, count, legacy, headId, headHash, at, keyId } = body;
  return `clearance-audit-checkpoint/v1\n${canonicalJson({ version, count, legacy, headId, headHash, at, keyId })}`;
}

export function parseCheckpoint(
  text: string,
): { ok: true; checkpoint: AuditCheckpoint } | { ok: false; problem: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, problem: "it is not JSON" };
  }
  const parsed = checkpointSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, problem: `${issue.path.join(".") || "it"}: ${issue.message}` };
  }
  return { ok: true, checkpoint: parsed.data };
}

/** Far enough ahead that every real time sorts below it. */
const NEWEST_FIRST_BASE = 9_999_999_999_999;

/**
 * A checkpoint's file or object name. It starts with 13 digits that count down as time goes on, so
 * any listing in name order (a directory, S3's ListObjectsV2) shows the newest first; the readable
 * time and the count follow. Two instances writing the same millisecond get the same name: the
 * second write is refused by the store and that is harmless.
 */
export function checkpointName(checkpoint: Pick<CheckpointBody, "at" | "count">): string {
  const ms = Date.parse(checkpoint.at);
  const rank = String(NEWEST_FIRST_BASE - ms).padStart(13, "0");
  return `${rank}-${checkpoint.at.replace(/[:.]/g, "")}-${checkpoint.count}.json`;
}

export const CHECKPOINT_NAME = /^\d{13}-\d{4}-\d{2}-\d{2}T\d{9}Z-\d+\.json$/;

/** "the checkpoint of 2026-11-22T12:00:00.000Z" */
export const checkpointLabel = (checkpoint: Pick<CheckpointBody, "at">) => `the checkpoint of ${checkpoint.at}`;

/** "#130 (ab12cd34ef56…)" */
export const eventLabel = (id: number | null, hash: string) =>
  id === null ? "no event" : `#${id} (${hash.slice(0, 12)}…)`;
