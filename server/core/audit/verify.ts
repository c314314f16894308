import { chainInput, GENESIS_HASH, keyedChainInput, type ChainedContent } from "./chain";
import { checkpointInput, checkpointLabel, eventLabel, type AuditCheckpoint } from "./checkpoint";

/**
 * Events are linked by the sequencer within about a second of their commit; one still unlinked
 * after a minute means no sequencer is running, and `audit verify` says so (exit 3).
 */
export const UNCHAINED_STALE_MS = 60_000;

/** An event as stored: its content plus the link fields. keyId null: a legacy (plain SHA-256) link. */
export interface StoredEvent extends ChainedContent {
  id: number;
  prevHash: string;
  hash: string;
  keyId: string | null;
}

/** The hashing core needs, done by the caller (node:crypto lives in the service layer). */
export interface LinkHashing {
  sha256(text: string): string;
  /** Whether `mac` is the HMAC-SHA256 of `text` under the key named `keyId`; "unknown-key" when there is no such key. */
  verifyMac(keyId: string, text: string, mac: string): boolean | "unknown-key";
}

/** A checkpoint and where it was read, e.g. "directory /var/lib/clearance/audit-checkpoints". */
export interface LocatedCheckpoint {
  location: string;
  name: string;
  checkpoint: AuditCheckpoint;
}

/** What failed: the event it names (null when the failure is at the end of the chain or in a checkpoint). */
export interface ChainBreak {
  brokenAt: number | null;
  problem: string;
}

/** Null when the checkpoint carries a valid signature under a key of the keyring. */
export function checkpointSignatureProblem(located: LocatedCheckpoint, hashing: LinkHashing): string | null {
  const { checkpoint: cp, location, name } = located;
  const valid = hashing.verifyMac(cp.keyId, checkpointInput(cp), cp.signature);
  if (valid === true) return null;
  const why =
    valid === "unknown-key"
      ? `audit key "${cp.keyId}", which is not in the keyring`
      : `a signature that does not verify under audit key "${cp.keyId}"`;
  return `${checkpointLabel(cp)} (${name} in ${location}) carries ${why}: it was forged or changed, or the key is missing`;
}

/**
 * Walks the chain in its order (seq), one event at a time, and stops at the first that fails: a link that
 * does not hold (legacy SHA-256 or keyed HMAC), an unknown key id, an unkeyed event after keyed
 * ones, or an event that contradicts a checkpoint. `finish` then reports events missing from the end.
 */
export class ChainWalk {
  private prevHash = GENESIS_HASH;
  private lastId: number | null = null;
  private keyedSeen = false;
  /** events that verified */
  checked = 0;
  /** of which legacy (unkeyed) */
  legacy = 0;

  constructor(
    private readonly hashing: LinkHashing,
    private readonly checkpoints: readonly LocatedCheckpoint[],
  ) {}

  next(event: StoredEvent): ChainBreak | null {
    const { id, prevHash, hash, keyId, ...content } = event;
    const broken = (problem: string): ChainBreak => ({ brokenAt: id, problem });
    if (prevHash !== this.prevHash) {
      return broken("its previous-hash does not match the event before it (an event was removed or reordered)");
    }
    if (keyId === null) {
      if (this.keyedSeen)
        return broken(
          "it carries no audit key id although keyed events precede it (only events written before audit keys existed may be unkeyed)",
        );
      if (this.hashing.sha256(chainInput(prevHash, content)) !== hash)
        return broken("its content does not match its hash (the event was changed)");
      this.legacy++;
    } else {
      const valid = this.hashing.verifyMac(keyId, keyedChainInput(keyId, prevHash, content), hash);
      if (valid === "unknown-key") return broken(`it is signed by audit key "${keyId}", which is not in the keyring`);
      if (!valid)
        return broken(
          `its content does not match its hash under audit key "${keyId}" (the event was changed, or re-hashed without the key)`,
        );
      this.keyedSeen = true;
    }
    this.checked++;
    for (const { checkpoint: cp } of this.checkpoints) {
      const atItsHead = this.checked === cp.count || id === cp.headId;
      if (!atItsHead || cp.count === 0) continue;
      if (this.checked !== cp.count || id !== cp.headId || hash !== cp.headHash) {
        return broken(
          `it does not match ${checkpointLabel(cp)}, which saw ${cp.count} events ending at ${eventLabel(cp.headId, cp.headHash)}; ` +
            `the database has ${eventLabel(id, hash)} as event ${this.checked}`,
        );
      }
      if (this.legacy !== cp.legacy) {
        return broken(
          `${checkpointLabel(cp)} saw ${cp.legacy} legacy (unkeyed) events before it; the database has ${this.legacy}`,
        );
      }
    }
    this.prevHash = hash;
    this.lastId = id;
    return null;
  }

  /** After the last event: a checkpoint that saw more events than the database holds means events were removed from the end. */
  finish(): ChainBreak | null {
    for (const { checkpoint: cp } of this.checkpoints) {
      if (this.checked >= cp.count) continue;
      const after = this.lastId === null ? "every event is missing" : `events after #${this.lastId} are missing`;
      return {
        brokenAt: null,
        problem:
          `${after}: ${checkpointLabel(cp)} saw ${cp.count} events ending at ` +
          `${eventLabel(cp.headId, cp.headHash)}; the database has only ${this.checked}`,
      };
    }
    return null;
  }
}
