/**
 * Errors the CLI reports on one stderr line (`clearance: ...`) with exit code 2: bad usage
 * (unknown command or flag, missing argument) and unreadable or invalid input files.
 */
export class CliError extends Error {
  constructor(
    message: string,
    /** printed after the message, e.g. "see clearance policy --help" */
    readonly hint?: string,
  ) {
    super(message);
    this.name = "CliError";
  }
}

export const usageError = (message: string, help = "clearance --help") => new CliError(message, `see ${help}`);

/** One line, however the message came: newlines and runs of spaces fold into single spaces. */
export const oneLine = (text: string) =>
  text
    .replace(/\s*\n\s*/g, " ")
    .replace(/\s{2,}/g, " ")
    .trim();

/** The reason a file could not be read, in words (ENOENT → "no such file"). */
export function ioReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  switch (code) {
    case "ENOENT":
      return "no such file or directory";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "is a directory, not a file";
    case "ENOTDIR":
      return "a part of the path is not a directory";
    default:
      return oneLine((err as Error)?.message ?? String(err));
  }
}

/** A JSON.parse message with "at position N" turned into "at line L, column C". */
export function jsonErrorText(text: string, err: unknown): string {
  const message = (err as Error)?.message ?? String(err);
  const m = /at position (\d+)/.exec(message);
  if (!m) return oneLine(message);
  const before = text.slice(0, Number(m[1]));
  const line = before.split("\n").length;
  const column = before.length - before.lastIndexOf("\n");
  return oneLine(message.replace(/ at position \d+.*$/, ` at line ${line}, column ${column}`));
}

/** A YAML parser message without the source excerpt it carries after the position. */
export const yamlErrorText = (err: unknown) =>
  oneLine(((err as Error)?.message ?? String(err)).split("\n")[0]!.replace(/:$/, ""));
