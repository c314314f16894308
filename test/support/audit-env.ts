import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/**
 * The audit key every test run signs with, unless the shell sets CLEARANCE_AUDIT_KEYS: the seeded
 * template (written by the global setup) and every test file must agree on it. Not a secret.
 */
export const TEST_AUDIT_KEYS = "test-1:fj1cRQUb9ivRGzY9CU9/YTzDrImr7BsdvSlnDe/JrEU=";

/**
 * Vitest setup file (runs in each test file's process before it): the audit key, and a checkpoint
 * directory of the file's own, so checkpoints of one file's databases are never compared with
 * another's. Checkpoint locations of the shell (S3, webhook) are ignored.
 */
export function prepareAuditEnvironment() {
  process.env.CLEARANCE_AUDIT_KEYS ||= TEST_AUDIT_KEYS;
  process.env.CLEARANCE_AUDIT_CHECKPOINT_DIR = path.join(
    mkdtempSync(path.join(tmpdir(), "clearance-checkpoints-")),
    "audit-checkpoints",
  );
  for (const name of ["CLEARANCE_AUDIT_KEY_FILE", "CLEARANCE_AUDIT_S3_BUCKET", "CLEARANCE_AUDIT_WEBHOOK_URL"])
    delete process.env[name];
}
