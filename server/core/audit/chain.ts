/**
 * The audit chain: each event's hash covers the previous event's hash and the event's own
 * content in a canonical form, so editing or removing any row breaks every later link.
 * Hashing itself (SHA-256) is done by the caller; core only defines what is hashed.
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

/** The exact text whose SHA-256 is the event's hash. */
export function chainInput(prevHash: string, event: ChainedContent): string {
  return `${prevHash}\n${canonicalJson({ ...event, occurredAt: event.occurredAt.toISOString() })}`;
}
