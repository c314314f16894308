import { adminCommands, adminHelp } from "./admin";
import { auditCommands, auditHelp } from "./audit";
import { parseCommandLine, type Command, type Io } from "./command";
import { configCommands, configHelp } from "./config";
import { exportCommand, importCommand } from "./database";
import { CliError, oneLine, usageError } from "./errors";
import { evalCommand } from "./evaluate";
import { explainCommand, explainDbCommand } from "./explain";
import { graphCommand } from "./graph";
import { lintCommand } from "./lint";
import { previewCommand } from "./preview";
import { testCommand } from "./run-tests";
import { commandHelp, policyHelp, topHelp } from "./usage";

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

interface Group {
  commands: readonly Command[];
  help: string;
  commandHelp(cmd: Command): string;
}

const groups: Record<string, Group> = {
  policy: { commands: policyCommands, help: policyHelp(policyCommands), commandHelp },
  audit: { commands: auditCommands, help: auditHelp, commandHelp: () => auditHelp },
  admin: { commands: adminCommands, help: adminHelp, commandHelp: (cmd) => commandHelp(cmd, "admin") },
  config: { commands: configCommands, help: configHelp, commandHelp: (cmd) => commandHelp(cmd, "config") },
};

const isHelp = (word: string | undefined) => word === "--help" || word === "-h" || word === "help";

/** Runs `clearance ARGV...`: dispatches to a command and returns the exit code (docs/cli.md). */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  try {
    const [groupName, name, ...rest] = argv;
    if (groupName === undefined) throw usageError("no command given");
    if (isHelp(groupName)) {
      io.out(topHelp(policyCommands, auditCommands, adminCommands, configCommands));
      return 0;
    }
    const group = Object.hasOwn(groups, groupName) ? groups[groupName]! : undefined;
    if (!group)
      throw usageError(
        groupName.startsWith("-")
          ? `unknown flag ${groupName}`
          : `unknown command "${groupName}" (commands: ${Object.keys(groups).join(", ")})`,
      );
    const groupHelp = `clearance ${groupName} --help`;
    const names = group.commands.map((c) => c.name).join(", ");
    if (name === undefined) throw usageError(`${groupName} needs a command (${names})`, groupHelp);
    if (isHelp(name)) {
      io.out(group.help);
      return 0;
    }
    const cmd = group.commands.find((c) => c.name === name);
    if (!cmd)
      throw usageError(
        name.startsWith("-") ? `unknown flag ${name}` : `unknown command "${groupName} ${name}" (commands: ${names})`,
        groupHelp,
      );
    const full = `${groupName} ${cmd.name}`;
    const help = `clearance ${full} --help`;
    const args = parseCommandLine(rest, cmd.flags, help);
    if (args.flags.has("help")) {
      io.out(group.commandHelp(cmd));
      return 0;
    }
    const got = args.positionals;
    if (got.length !== cmd.positionals.length) {
      throw usageError(
        cmd.positionals.length === 0
          ? `${full} takes no arguments, but got ${got.join(" ")}`
          : got.length < cmd.positionals.length
            ? `${full} needs ${cmd.positionals.join(" and ")}`
            : `${full} takes ${cmd.positionals.join(" and ")}, but got ${got.length} arguments (${got.join(" ")})`,
        help,
      );
    }
    for (const [flag, spec] of Object.entries(cmd.flags)) {
      if (spec.required && !args.flags.has(flag))
        throw usageError(`${full} needs --${flag} ${spec.meta ?? "VALUE"}`, help);
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
