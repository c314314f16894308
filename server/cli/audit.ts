import { StartupError } from "../config";
import { UNCHAINED_STALE_MS } from "../core/audit/verify";
import type { Command, Io } from "./command";
import { withDatabase } from "./database";
import { CliError } from "./errors";

/** Exit codes of `clearance audit verify` and `clearance audit checkpoint` (also in auditHelp and docs/cli.md). */
export const AUDIT_EXIT = { ok: 0, broken: 1, cannotRun: 2, unconfirmed: 3 } as const;

/** The keyring and checkpoint settings are read before the database is opened: a missing key is exit 2. */
async function settings() {
  const [{ auditKeyring }, { checkpointSettings }] = await Promise.all([
    import("../services/audit-keys"),
    import("../services/audit-checkpoints/settings"),
  ]);
  try {
    return { keyring: auditKeyring(), checkpoints: checkpointSettings() };
  } catch (err) {
    if (err instanceof StartupError) throw new CliError(err.message);
    throw err;
  }
}

/**
 * `clearance audit verify`: recomputes the audit chain in the database (DATABASE_URL, or the
 * project's own PostgreSQL) with the audit keyring, compares it with the newest checkpoint of every
 * location, and names the first event that fails, or the events missing from the end.
 */
export async function auditVerify(io: Io): Promise<number> {
  await settings();
  const { verifyAuditChain } = await import("../services/audit-log");
  const result = await withDatabase((db) => verifyAuditChain({ ctx: { db } }));
  const unchainedLine = ({ count, oldestAt }: typeof result.unchained, now: Date): boolean => {
    if (count === 0 || oldestAt === null) return false;
    const ageMs = Math.max(0, now.getTime() - Date.parse(oldestAt));
    const stale = ageMs > UNCHAINED_STALE_MS;
    io.out(
      `${stale ? "NOT LINKED: " : ""}${count} newer event${count === 1 ? " is" : "s are"} not linked into the chain yet, the oldest ` +
        `${(ageMs / 1000).toFixed(1)} s old${stale ? ": no audit sequencer is running (the app's workers link events within a second)" : ""}\n`,
    );
    return stale;
  };
  if (!result.ok) {
    const where = result.brokenAt === null ? "" : ` at event #${result.brokenAt}`;
    const verified =
      result.brokenAt === null ? `${result.checked} events verified` : `${result.checked} events before it verified`;
    io.out(`audit chain BROKEN${where}: ${result.problem} (${verified})\n`);
    unchainedLine(result.unchained, io.now());
    return AUDIT_EXIT.broken;
  }
  const legacy = result.legacy
    ? ` (the first ${result.legacy} are legacy events from before audit keys, anchored by the first keyed one)`
    : "";
  io.out(`audit chain verified: ${result.checked} events, every link holds${legacy}\n`);
  for (const c of result.checkpoints)
    io.out(
      `agrees with the checkpoint of ${c.at} in ${c.location}: ${c.count} events${c.headId ? ` ending at #${c.headId}` : ""}\n`,
    );
  for (const reason of result.unconfirmed)
    io.out(`NOT CONFIRMED: ${reason}, so events removed from the end cannot be ruled out\n`);
  const stale = unchainedLine(result.unchained, io.now());
  return result.unconfirmed.length || stale ? AUDIT_EXIT.unconfirmed : AUDIT_EXIT.ok;
}

/** `clearance audit checkpoint`: writes a signed checkpoint of the chain's head to every configured location now. */
export async function auditCheckpoint(io: Io): Promise<number> {
  await settings();
  const { writeAuditCheckpoint } = await import("../services/audit-checkpoints/checkpoints");
  const result = await withDatabase((db) => writeAuditCheckpoint({ ctx: { db, clock: () => io.now() } }));
  if (!result.ok) {
    io.out(`audit checkpoint REFUSED: ${result.refused}\n`);
    return AUDIT_EXIT.broken;
  }
  const { checkpoint: c, name } = result;
  io.out(
    `audit checkpoint ${name}: ${c.count} events` +
      (c.headId ? ` ending at #${c.headId} (${c.headHash.slice(0, 12)}…)` : "") +
      `, signed with audit key "${c.keyId}"\n`,
  );
  for (const w of result.written) io.out(`${w.outcome === "written" ? "written to" : "already in"} ${w.location}\n`);
  for (const f of result.failed) io.out(`FAILED ${f.location}: ${f.problem}\n`);
  return result.failed.length ? AUDIT_EXIT.unconfirmed : AUDIT_EXIT.ok;
}

export const auditHelp = `Usage: clearance audit verify
       clearance audit checkpoint

verify      Recomputes the audit trail's chain in Clearance's database (DATABASE_URL, or the
            project's own PostgreSQL) with the audit keys (CLEARANCE_AUDIT_KEYS or
            CLEARANCE_AUDIT_KEY_FILE), compares it with the newest checkpoint in the checkpoint
            directory and, when configured, the S3 bucket, and names the first event that was
            changed, removed, reordered or signed by an unknown key, or the events missing from
            the end that a checkpoint saw. The chain is walked in its order (seq); events not
            linked yet (normally under a second) are counted, with the oldest one's age.
checkpoint  Writes a signed checkpoint (event count, last event's id and hash) to the checkpoint
            directory, the S3 bucket and the webhook, as the hourly job does. Refuses while the
            database contradicts the newest checkpoint.

Exit codes:
  0  verify: every link holds and the chain agrees with the newest checkpoint of every location;
     checkpoint: written to every location
  1  verify: the chain is broken or shorter than a checkpoint (the event or the gap is named), or a
     checkpoint is forged; checkpoint: refused because the database contradicts a checkpoint
  2  cannot run: the database cannot be reached, no audit key, or a setting is wrong
  3  verify: every link holds but a location has no checkpoint yet or cannot be read, so events
     removed from the end cannot be ruled out, or events have waited over a minute to be linked
     (no sequencer running); checkpoint: a location could not be written
See docs/cli.md and docs/security/audit-chain.md.
`;

/** `clearance audit verify` and `clearance audit checkpoint`; both print auditHelp for --help. */
export const auditCommands: readonly Command[] = [
  {
    name: "verify",
    summary: "verify the audit trail's keyed chain against its checkpoints",
    positionals: [],
    flags: {},
    details: "",
    run: (_args, io) => auditVerify(io),
  },
  {
    name: "checkpoint",
    summary: "write a signed checkpoint of the audit chain's head",
    positionals: [],
    flags: {},
    details: "",
    run: (_args, io) => auditCheckpoint(io),
  },
];
