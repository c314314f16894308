import type { FlagSpec, ParsedArgs } from "./args";

/** Where a command writes, and its clock: the process in real use, something else in tests. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  now(): Date;
}

/** A `clearance policy ...` command; usage text is generated from this description. */
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
