import { z } from "zod";
import { isSaneDate, saneDateMessage } from "./dates";

/**
 * What PostgreSQL cannot store as it was sent, found before any schema or service sees the input:
 * a NUL character (text refuses it with 22021, jsonb with 22P05), an unpaired UTF-16 surrogate
 * (jsonb refuses it; text would silently store U+FFFD instead), a number JSON cannot write (NaN,
 * Infinity become null in jsonb), a Date outside the sane years, and values that are no JSON at all
 * (superjson can send a BigInt, Map, Set, RegExp, Error or URL). Keys of objects are checked too.
 */
export interface UnstorableValue {
  /** Where in the input, as zod names paths: keys and list positions. */
  path: (string | number)[];
  /** What is wrong, to follow the field's name ("contains a NUL character"). */
  problem: string;
}

/** Deeper than any input Clearance takes; a bound so a crafted body cannot exhaust the walk. */
export const maxInputDepth = 32;

// String.prototype.isWellFormed: false when an unpaired surrogate is in the text (Node 20+, native and fast on
// a 5 MB import file; ES2024, so not in this project's TypeScript lib yet).
const isWellFormed = (text: string) => (text as unknown as { isWellFormed(): boolean }).isWellFormed();

function textProblem(text: string): string | null {
  if (text.includes("\u0000")) return "contains a NUL character";
  if (!isWellFormed(text)) return "contains an unpaired surrogate (text that is not valid Unicode)";
  return null;
}

const isPlainObject = (value: object) => {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
};

/** The first value in `input` (in document order) that cannot be stored as sent, or null. */
export function findUnstorableValue(input: unknown): UnstorableValue | null {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value: input, path: [] }];
  while (stack.length) {
    const { value, path } = stack.pop()!;
    if (value === null || value === undefined || typeof value === "boolean") continue;
    if (typeof value === "string") {
      const problem = textProblem(value);
      if (problem) return { path, problem };
      continue;
    }
    if (typeof value === "number") {
      if (!Number.isFinite(value)) return { path, problem: "is not a finite number" };
      continue;
    }
    if (value instanceof Date) {
      if (Number.isNaN(value.getTime())) return { path, problem: "is not a valid date" };
      if (!isSaneDate(value)) return { path, problem: saneDateMessage };
      continue;
    }
    if (typeof value !== "object" || !(Array.isArray(value) || isPlainObject(value))) {
      return { path, problem: "must be text, a number, true or false, a date, a list or an object" };
    }
    if (path.length >= maxInputDepth) return { path, problem: `is nested more than ${maxInputDepth} levels deep` };
    const children: { value: unknown; path: (string | number)[] }[] = [];
    if (Array.isArray(value)) value.forEach((item, i) => children.push({ value: item, path: [...path, i] }));
    else {
      for (const [key, item] of Object.entries(value)) {
        const problem = textProblem(key);
        if (problem) return { path, problem: `has a key that ${problem}` };
        children.push({ value: item, path: [...path, key] });
      }
    }
    // Reversed onto the stack, so the first field is looked at first.
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  return null;
}

/** The field as tRPC and HTTP errors name it ("changes.0.source"); "input" for the whole input. */
export const fieldOf = (found: UnstorableValue) => found.path.join(".") || "input";

/** "justification: contains a NUL character". */
export const describeUnstorable = (found: UnstorableValue) => `${fieldOf(found)}: ${found.problem}`;

/**
 * z.string() that PostgreSQL can store as sent, for input that reaches a service without the tRPC
 * guard (the query parameters of HTTP routes).
 */
export const storableText = () =>
  z.string().check((ctx) => {
    const problem = textProblem(ctx.value);
    if (problem) ctx.issues.push({ code: "custom", message: problem, input: ctx.value });
  });
