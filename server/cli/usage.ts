import type { Command } from "./command";

/** `clearance policy eval DIR --identities FILE [--at ISO-TIME]` */
export function synopsis(cmd: Command, group = "policy"): string {
  const flags = Object.entries(cmd.flags).map(([name, f]) => {
    const text = f.value ? `--${name} ${f.meta ?? "VALUE"}` : `--${name}`;
    return f.required ? text : `[${text}]`;
  });
  return [`clearance ${group}`, cmd.name, ...cmd.positionals, ...flags].join(" ");
}

export function commandHelp(cmd: Command, group = "policy"): string {
  const width =
    Math.max(
      ...Object.entries(cmd.flags).map(([n, f]) => n.length + (f.value ? (f.meta ?? "VALUE").length + 1 : 0)),
      0,
    ) + 4;
  const flagLines = Object.entries(cmd.flags).map(([name, f]) => {
    const left = f.value ? `--${name} ${f.meta ?? "VALUE"}` : `--${name}`;
    return `  ${left.padEnd(width)}${f.required ? "(required) " : ""}${f.help}`;
  });
  return [
    `Usage: ${synopsis(cmd, group)}`,
    "",
    cmd.summary,
    ...(flagLines.length ? ["", "Flags:", ...flagLines] : []),
    "",
    cmd.details.trim(),
    "",
  ].join("\n");
}

export function policyHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  return [
    "Usage: clearance policy <command> [arguments] [flags]",
    "",
    "Work with a directory of policy files (*.yaml) without a database.",
    "",
    "Commands:",
    ...commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    "",
    ...commands.map((c) => `  ${synopsis(c)}`),
    "",
    "Exit codes: 0 fine; 1 lint errors or failing policy tests; 2 bad usage or unreadable/invalid input.",
    "Run `clearance policy <command> --help` for a command's flags and output. Docs: docs/cli.md",
    "",
  ].join("\n");
}

export function topHelp(
  commands: readonly Command[],
  auditCommands: readonly Command[],
  adminCommands: readonly Command[] = [],
  configCommands: readonly Command[] = [],
): string {
  return [
    "clearance: policy-as-code tools for Clearance",
    "",
    "Usage: clearance <group> <command> [arguments] [flags]",
    "",
    "Groups:",
    "  policy    lint, test, evaluate, explain, preview and graph a directory of policy files",
    "  audit     verify the audit trail's keyed chain against its checkpoints; write a checkpoint",
    "  admin     grant or revoke IT admin and auditor (a new instance's first administrator)",
    "  config    export and import systems, resources, templates, groups, fallbacks and exception types as YAML",
    "",
    "Commands:",
    ...commands.map((c) => `  ${synopsis(c)}`),
    ...auditCommands.map((c) => `  ${synopsis(c, "audit")}`),
    ...adminCommands.map((c) => `  ${synopsis(c, "admin")}`),
    ...configCommands.map((c) => `  ${synopsis(c, "config")}`),
    "",
    "Flags:",
    "  -h, --help    show help (also after a group or command: clearance policy eval --help)",
    "",
    "Exit codes: 0 fine; 1 lint errors or failing policy tests; 2 bad usage or unreadable/invalid input.",
    "",
  ].join("\n");
}
