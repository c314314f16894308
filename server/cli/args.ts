import { usageError } from "./errors";

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

/**
 * Splits command-line words into positionals and flags. Accepts `--name value`,
 * `--name=value`, `-h` for `--help` and `--` to end flags. Unknown flags, a value flag without
 * a value, a switch with one, and a flag given twice are usage errors.
 */
export function parseArgs(words: readonly string[], specs: Record<string, FlagSpec>, help: string): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, string>();
  const known = { ...specs, help: { value: false, help: "" } };
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (word === "--") {
      positionals.push(...words.slice(i + 1));
      break;
    }
    if (word === "-h") {
      flags.set("help", "true");
      continue;
    }
    if (!word.startsWith("-") || word === "-") {
      positionals.push(word);
      continue;
    }
    if (!word.startsWith("--")) throw usageError(`unknown flag ${word}`, help);
    const eq = word.indexOf("=");
    const name = word.slice(2, eq === -1 ? undefined : eq);
    const spec = known[name as keyof typeof known];
    if (!spec) throw usageError(`unknown flag --${name}`, help);
    if (flags.has(name)) throw usageError(`--${name} is given twice`, help);
    if (!spec.value) {
      if (eq !== -1) throw usageError(`--${name} takes no value`, help);
      flags.set(name, "true");
      continue;
    }
    let value: string | undefined;
    if (eq !== -1) value = word.slice(eq + 1);
    else if (i + 1 < words.length && !words[i + 1]!.startsWith("--")) value = words[++i];
    if (value === undefined || value === "")
      throw usageError(`--${name} needs a value (${"meta" in spec && spec.meta ? spec.meta : "VALUE"})`, help);
    flags.set(name, value);
  }
  return { positionals, flags };
}
