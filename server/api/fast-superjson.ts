import superjson from "superjson";

/**
 * superjson's serialize, fast for what procedures return (issue 14): plain objects and arrays of
 * strings, numbers, booleans, null, undefined and Dates. It writes the same {json, meta} superjson
 * writes, which the browser's superjson reads back, without superjson's generic walk (a Map per
 * object, a path array per value), ~4-8 % of a list call's CPU. Anything else (a Map, a Set, a
 * BigInt, NaN, a class instance, a key with a dot on a Date's path, a Date at the top) goes to
 * superjson itself. Shared references come back as equal copies instead of one object.
 */
type Values = Record<string, [string]>;
const SLOW = Symbol("slow");

function walk(value: unknown, path: string, values: Values): unknown {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      if (!Number.isFinite(value) || Object.is(value, -0)) throw SLOW;
      return value;
    case "object": {
      if (value === null) return null;
      if (Array.isArray(value)) {
        const out = new Array<unknown>(value.length);
        for (let i = 0; i < value.length; i++) {
          const item = value[i];
          out[i] =
            item === undefined ? mark(values, `${path}${i}`, "undefined", null) : walk(item, `${path}${i}.`, values);
        }
        return out;
      }
      if (value instanceof Date) {
        if (Number.isNaN(value.getTime())) throw SLOW;
        return mark(values, path.slice(0, -1), "Date", value.toISOString());
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) throw SLOW;
      const out: Record<string, unknown> = {};
      for (const key in value) {
        if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
        const item = (value as Record<string, unknown>)[key];
        if (key === "__proto__") throw SLOW;
        // superjson escapes such keys in its paths: left to it when a path would go through one.
        if (
          (item === undefined || (typeof item === "object" && item !== null)) &&
          (key.includes(".") || key.includes("\\"))
        )
          throw SLOW;
        if (item === undefined) {
          out[key] = mark(values, `${path}${key}`, "undefined", null);
          continue;
        }
        out[key] = walk(item, `${path}${key}.`, values);
      }
      return out;
    }
    default:
      throw SLOW; // bigint, symbol, function, undefined at the top
  }
}

function mark(values: Values, path: string, type: string, json: unknown): unknown {
  if (path === "" || path.includes("\\")) throw SLOW;
  values[path] = [type];
  return json;
}

export function serialize(value: unknown): ReturnType<typeof superjson.serialize> {
  const values: Values = {};
  let json: unknown;
  try {
    json = walk(value, "", values);
  } catch (err) {
    if (err === SLOW) return superjson.serialize(value);
    throw err;
  }
  for (const _ in values) return { json, meta: { values, v: 1 } } as ReturnType<typeof superjson.serialize>;
  return { json } as ReturnType<typeof superjson.serialize>;
}

/** The tRPC transformer: superjson reads the input; answers are written by serialize() above. */
export const transformer = {
  input: superjson,
  output: { serialize, deserialize: superjson.deserialize.bind(superjson) },
};
