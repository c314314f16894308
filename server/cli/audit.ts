import type { Io } from "./command";
import { withDatabase } from "./database";

/**
 * `clearance audit verify`: recomputes the audit chain in the database (DATABASE_URL, or the
 * project's own PostgreSQL) and names the first event whose link does not hold. Exit 0 when the
 * chain verifies, 1 when it is broken.
 */
export async function auditVerify(io: Io): Promise<number> {
  const { verifyAuditChain } = await import("../services/audit-log");
  const result = await withDatabase((db) => verifyAuditChain({ ctx: { db } }));
  if (result.ok) {
    io.out(`audit chain verified: ${result.checked} events, every link holds\n`);
    return 0;
  }
  io.out(`audit chain BROKEN at event #${result.brokenAt}: ${result.problem} (${result.checked} events before it verified)\n`);
  return 1;
}

export const auditHelp = `Usage: clearance audit verify

Recomputes the hash chain of the audit trail in Clearance's database (DATABASE_URL, or the
project's own PostgreSQL) and names the first event that was changed, removed or reordered.

Exit codes: 0 the chain verifies; 1 it is broken (the event is named); 2 the database cannot be reached.
`;
