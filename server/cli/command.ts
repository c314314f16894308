import { parseArgs } from "node:util";
import { usageError } from "./errors";

/** Where a command writes, and its clock: the process in real use, something else in tests. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  now(): Date;
}

/** A flag a command accepts: `--name VALUE` (value) or `--name` alone (switch). */
export interface FlagSpec {
  value: boolean;
  required?: boolean;
  /** how the value is written in help, e.g. FILE, ISO-TIME */
  meta?: string;
  help: string;
}

export interface ParsedArgs {
  positionals: string[];
  /** value flags → their value; switches → "true" */
  flags: Map<string, string>;
}

/** A `clearance <group> ...` command; usage text is generated from this description. */
export interface Command {
  name: string;
  summary: string;
  /** e.g. ["DIR"], ["OLD_DIR", "NEW_DIR"] */
  positionals: string[];
  flags: Record<string, FlagSpec>;
  /** what the command prints and how it exits, for its --help */
  details: string;
  run(args: ParsedArgs, io: Io): number | Promise<number>;
}

/**
 * A command's words after its name, read by node:util's parseArgs (`--name value`, `--name=value`,
 * `-h`/`--help`, `--` to end flags). Its tokens are checked here rather than in its strict mode, so
 * that `--help` wins over any other mistake and each mistake is named in the CLI's own words: an
 * unknown flag, a value flag without a value, a switch with one, a flag given twice.
 */
export function parseCommandLine(words: readonly string[], specs: Record<string, FlagSpec>, help: string): ParsedArgs {
  const options = Object.fromEntries(
    Object.entries(specs).map(([name, spec]) => [
      name,
      { type: spec.value ? ("string" as const) : ("boolean" as const) },
    ]),
  );
  const { tokens, positionals } = parseArgs({
    args: [...words],
    options: { ...options, help: { type: "boolean", short: "h" } },
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  const flags = new Map<string, string>();
  if (tokens.some((t) => t.kind === "option" && t.name === "help"))
    return { positionals, flags: flags.set("help", "true") };
  for (const token of tokens) {
    if (token.kind !== "option") continue;
    const spec = Object.hasOwn(specs, token.name) ? specs[token.name] : undefined;
    if (!spec) throw usageError(`unknown flag ${token.rawName}`, help);
    if (flags.has(token.name)) throw usageError(`--${token.name} is given twice`, help);
    if (!spec.value) {
      if (token.value !== undefined) throw usageError(`--${token.name} takes no value`, help);
      flags.set(token.name, "true");
      continue;
    }
    // Without strict mode, `--identities --json` would read "--json" as the file name.
    const value = token.inlineValue || !token.value?.startsWith("--") ? token.value : undefined;
    if (!value) throw usageError(`--${token.name} needs a value (${spec.meta ?? "VALUE"})`, help);
    flags.set(token.name, value);
  }
  return { positionals, flags };
}

/** Flags several commands share. */
export const commonFlags = {
  identities: { value: true, meta: "FILE", help: "people as JSON (an array of identities) or CSV (header row)" },
  config: { value: true, meta: "FILE", help: "JSON or YAML with scales, aliases, systems (and resources)" },
  at: {
    value: true,
    meta: "ISO-TIME",
    help: "evaluation time, for tenure_days (default: now; a time without zone is UTC)",
  },
  json: { value: false, help: "print JSON instead of text" },
} satisfies Record<string, FlagSpec>;
