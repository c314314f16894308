/**
 * The audit chain: each event's hash covers the previous event's hash and the event's own
 * content in a canonical form, so editing or removing any row breaks every later link.
 * Events are linked by HMAC-SHA256 under an audit key the database never holds (keyedChainInput),
 * so someone who can rewrite rows cannot compute valid links; events written before keys existed
 * keep their plain SHA-256 links (chainInput). Hashing itself is done by the caller; core only
 * defines what is hashed (docs/security/audit-chain.md).
 */
export const GENESIS_HASH = "0".repeat(64);

export interface ChainedContent {
  occurredAt: Date;
  actorType: string;
  actorId: string | null;
  actorLabel: string;
  action: string;
  subjectType: string;
  subjectId: string | null;
  before: unknown;
  after: unknown;
  reason: string | null;
  context: unknown;
}

/** JSON with object keys sorted at every depth; undefined fields dropped as JSON does. */
export function canonicalJson(value: unknown): string {
  if (value === undefined || value === null) return "null";
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? "null" : canonicalJson(v))).join(",")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** The exact text whose SHA-256 is a legacy (unkeyed) event's hash. */
export function chainInput(prevHash: string, event: ChainedContent): string {
  return `${prevHash}\n${canonicalJson({ ...event, occurredAt: event.occurredAt.toISOString() })}`;
}

/** Key ids name a key in the keyring; they are stored with every keyed event. */
export const AUDIT_KEY_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * The exact text whose HMAC-SHA256, under the key named `keyId`, is a keyed event's hash. The
 * version tag and the key id are inside the MAC, so neither can be swapped afterwards.
 */
export function keyedChainInput(keyId: string, prevHash: string, event: ChainedContent): string {
  return `clearance-audit/v2\n${keyId}\n${chainInput(prevHash, event)}`;
}
