import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";

const root = path.resolve(import.meta.dirname, "../..");
const run = promisify(execFile);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `clearance ARGS...` as a child process, as an operator runs it, with `env` over the test's environment. */
export async function runClearance(args: string[], env: Record<string, string>): Promise<CliResult> {
  try {
    const r = await run(process.execPath, [path.join(root, "bin/clearance.mjs"), ...args], {
      cwd: root,
      env: { ...process.env, ...env },
    });
    return { code: 0, ...r };
  } catch (err) {
    const e = err as CliResult;
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** `clearance ...` against the database whose URL `databaseUrl()` gives when called (made in a beforeAll). */
export const clearanceCli =
  (databaseUrl: () => string) =>
  (...args: string[]) =>
    runClearance(args, { DATABASE_URL: databaseUrl() });
