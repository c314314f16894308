import superjson from "superjson";
import { describe, expect, it } from "vitest";
import { serialize } from "./fast-superjson";

const withoutReferences = (s: ReturnType<typeof superjson.serialize>) => {
  if (!s.meta) return s;
  const { referentialEqualities: _, ...meta } = s.meta;
  return Object.keys(meta).length > 1 || meta.values ? { ...s, meta } : { json: s.json };
};

const date = new Date("2026-11-22T08:00:00.123Z");
const shared = { k: 1 };
const samples: Record<string, unknown> = {
  "a number": 3,
  "a string": "x",
  null: null,
  "an array of numbers": [1, 2, 3],
  "a list page": {
    rows: [
      { id: "a", createdAt: date, dueAt: null, note: undefined, tags: ["x"], nested: { at: date, n: 1.5 } },
      { id: "b", createdAt: new Date(0), dueAt: date, deep: [[date, undefined, 2]] },
    ],
    total: 2,
    nextCursor: null,
  },
  "undefined in an array": [undefined, 1],
  "an empty object": {},
  "a null-prototype object": Object.assign(Object.create(null), { at: date }),
  "shared references": { a: shared, b: shared, c: [date, date] },
  // Left to superjson itself: the answer must still be exactly superjson's.
  "a Date at the top": date,
  undefined: undefined,
  "a Map": { m: new Map([["a", 1]]) },
  "a Set": new Set([1]),
  "a BigInt": { n: BigInt(5) },
  "NaN and infinities": { n: Number.NaN, i: Number.POSITIVE_INFINITY, z: -0 },
  "an invalid Date": { d: new Date(Number.NaN) },
  "a key with a dot on a Date's path": { "a.b": { at: date }, "c\\d": date, "e.f": undefined, ok: date },
  "a class instance": { e: new Error("boom") },
  "a regular expression": { r: /x/g },
};

describe("the fast superjson serializer", () => {
  for (const [name, value] of Object.entries(samples)) {
    it(`writes what superjson writes, and reads back the same: ${name}`, () => {
      const fast = serialize(value);
      expect(withoutReferences(fast)).toEqual(withoutReferences(superjson.serialize(value)));
      // What the browser gets back is what it got from superjson alone (copies instead of shared references).
      const wire = (s: unknown) => superjson.deserialize(JSON.parse(JSON.stringify(s)));
      expect(wire(fast)).toEqual(wire(superjson.serialize(value)));
    });
  }
});
