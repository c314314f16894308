import fc from "fast-check";

/**
 * Hostile values for property tests: each is a replacement for one value of a valid input, printed
 * by a short label (so a failure report does not print a 400 000-character string).
 */
export interface Replacement {
  label: string;
  /** The new value, given the one it replaces (some keep it and insert a character). */
  make(original: unknown): unknown;
}

const replacement = (label: string, make: (original: unknown) => unknown): Replacement =>
  ({
    label,
    make,
    [fc.toStringMethod]: () => label,
  }) as Replacement;

const show = (s: string) => JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s);

/** Characters that break storage (half the time: the ones PostgreSQL refuses), parsers, LIKE patterns, line formats. */
const nastyCharacter = fc.oneof(
  fc.constantFrom("\u0000", "\ud800", "\udfff"),
  fc.constantFrom(
    "\u0001",
    "\u0008",
    "\u001b",
    "\u007f",
    "\u0085",
    "\u2028",
    "\ufeff",
    "'",
    '"',
    "\\",
    "%",
    "_",
    "$1",
    "\n",
    "\r",
    ",",
    ":",
    "#",
  ),
);

/** The valid value with one nasty character inserted: it passes every check that only looks at the ends. */
const insertedCharacter = fc.tuple(fc.nat(), nastyCharacter).map(([at, c]) =>
  replacement(`insert ${show(c)} at ${at}`, (original) => {
    const text = typeof original === "string" ? original : "";
    const i = at % (text.length + 1);
    return text.slice(0, i) + c + text.slice(i);
  }),
);

const anyCodePoint = fc.string({ unit: "binary", minLength: 1, maxLength: 1 });
const randomText = fc
  .string({ unit: fc.oneof(nastyCharacter, anyCodePoint), maxLength: 30 })
  .map((s) => replacement(`string ${show(s)}`, () => s));

const longText = fc
  .tuple(fc.constantFrom(5_001, 70_000, 400_000), fc.constantFrom("x", "é", "\u0000"))
  .map(([length, last]) =>
    replacement(`${length} characters ending ${show(last)}`, () => "a".repeat(length - 1) + last),
  );

/** Dates as text, for fields that take YYYY-MM-DD or ISO instants. */
const dateText = fc
  .constantFrom(
    "0000-01-01",
    "0001-01-01",
    "1899-12-31",
    "2201-01-01",
    "9999-12-31",
    "2026-02-30",
    "+275760-09-13T00:00:00.000Z",
    "-000001-01-01T00:00:00Z",
    "",
  )
  .map((s) => replacement(`string ${show(s)}`, () => s));

const hostileString = fc.oneof(
  { weight: 4, arbitrary: insertedCharacter },
  { weight: 2, arbitrary: randomText },
  { weight: 1, arbitrary: longText },
  { weight: 1, arbitrary: dateText },
);

const extremeNumber = fc
  .oneof(
    // Past PostgreSQL's integer (2^31 - 1) and bigint, JavaScript's safe integers, and what JSON cannot write.
    fc.constantFrom(
      0,
      -0,
      -1,
      0.5,
      2 ** 31 - 1,
      2 ** 31,
      -(2 ** 31) - 1,
      2 ** 32,
      2 ** 53 - 1,
      -(2 ** 53 - 1),
      2 ** 53,
      2 ** 63,
      1e21,
    ),
    fc.constantFrom(Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE, Number.NaN, Infinity, -Infinity),
    fc.maxSafeInteger(),
    fc.double(),
  )
  .map((n) => replacement(`number ${Object.is(n, -0) ? "-0" : String(n)}`, () => n));

/** JavaScript's whole range, and the edges: years -271821, -1, 1, 1899 | 1900, 2200 | 2201, 9999, 275760, Invalid Date. */
const dateEdges = [
  -8.64e15,
  -62198755200000,
  -62135596800000,
  -2208988800001,
  -2208988800000,
  7289654399999,
  7289654400000,
  253402214400000,
  8.64e15,
  Number.NaN,
];
const extremeDate = fc
  .oneof(
    fc.date(),
    fc.constantFrom(...dateEdges).map((ms) => new Date(ms)),
  )
  .map((d) =>
    replacement(`date ${Number.isNaN(d.getTime()) ? "Invalid Date" : d.toISOString()}`, () => new Date(d.getTime())),
  );

const otherValue = fc
  .constantFrom<[string, () => unknown]>(
    ["null", () => null],
    ["undefined", () => undefined],
    ["true", () => true],
    ["[]", () => []],
    ["{}", () => ({})],
    ["a BigInt", () => 2n ** 70n],
    ["a Map", () => new Map([["a", 1]])],
    ["an object with a NUL key", () => ({ "\u0000": "x" })],
  )
  .map(([label, make]) => replacement(label, make));

/** Any hostile replacement; strings weigh most because most fields are text. */
export const hostileValue: fc.Arbitrary<Replacement> = fc.oneof(
  { arbitrary: hostileString, weight: 4 },
  { arbitrary: extremeNumber, weight: 2 },
  { arbitrary: extremeDate, weight: 2 },
  { arbitrary: otherValue, weight: 1 },
);

type Path = (string | number)[];

/** Every place in a value that a replacement can go: its leaves (text, numbers, dates, empty lists), or the value itself. */
export function leafPathsOf(value: unknown, path: Path = []): Path[] {
  if (value instanceof Date || value === null || typeof value !== "object") return [path];
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : Object.entries(value);
  if (!entries.length) return [path];
  return entries.flatMap(([key, child]) => leafPathsOf(child, [...path, key]));
}

function valueAt(root: unknown, path: Path): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string | number, unknown> | undefined)?.[key], root);
}

/** A copy of `root` with the value at `path` replaced (dates and shared seed objects are copied, never changed). */
function withValueAt(root: unknown, path: Path, value: unknown): unknown {
  if (!path.length) return value;
  const [key, ...rest] = path;
  const copy = (Array.isArray(root) ? [...root] : { ...(root as object) }) as Record<string | number, unknown>;
  copy[key!] = withValueAt(copy[key!], rest, value);
  return copy;
}

/** Applies each (leaf number, replacement) edit to `base`; leaf numbers wrap around the leaves there are. */
export function applyEdits(base: unknown, edits: [number, Replacement][]): unknown {
  const leaves = leafPathsOf(base);
  return edits.reduce((input, [n, r]) => {
    const leaf = leaves[n % leaves.length]!;
    return withValueAt(input, leaf, r.make(valueAt(input, leaf)));
  }, base);
}

/** One to three hostile replacements of an input's values. */
export const hostileEdits = fc.array(fc.tuple(fc.nat(), hostileValue), { minLength: 1, maxLength: 3 });
