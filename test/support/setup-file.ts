import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll } from "vitest";
import { prepareAuditEnvironment } from "./audit-env";

// Every temporary folder a test file makes (mkdtemp under os.tmpdir(), which reads TMPDIR) goes into
// one folder of the file's own, removed when the file is done, so no run leaves clearance-* folders behind.
const fileTemp = mkdtempSync(path.join(tmpdir(), "clearance-test-file-"));
// Traversable by others: as root, embedded PostgreSQL runs initdb as the postgres user.
chmodSync(fileTemp, 0o755);
process.env.TMPDIR = fileTemp;
afterAll(() => rmSync(fileTemp, { recursive: true, force: true, maxRetries: 3 }));

prepareAuditEnvironment();
