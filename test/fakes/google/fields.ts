/**
 * Google's partial responses, the `fields` system parameter
 * (https://developers.google.com/workspace/admin/directory/v1/guides/performance#partial-response):
 * a comma-separated list of fields; `a/b` selects b inside a; `a(b,c)` selects b and c inside a
 * (inside each element when a is a list); `*` is every field. A field the resource lacks is simply
 * not in the answer; a malformed mask is a 400.
 */

/** field name → its own mask, or true for the whole value */
export type FieldMask = Map<string, FieldMask | true>;

export class FieldMaskError extends Error {}

export function parseFieldMask(text: string): FieldMask {
  let i = 0;
  const fail = (): never => {
    throw new FieldMaskError(`Invalid field selection ${text}`);
  };
  const name = () => {
    const m = /^(?:[A-Za-z_][A-Za-z0-9_]*|\*)/.exec(text.slice(i));
    if (!m) fail();
    i += m![0].length;
    return m![0];
  };
  const merge = (into: FieldMask, key: string, value: FieldMask | true) => {
    const had = into.get(key);
    if (had === true || value === true) into.set(key, true);
    else if (had) for (const [k, v] of value) merge(had, k, v);
    else into.set(key, value);
  };
  const list = (depth: number): FieldMask => {
    const mask: FieldMask = new Map();
    for (;;) {
      const path = [name()];
      while (text[i] === "/") {
        i++;
        path.push(name());
      }
      let leaf: FieldMask | true = true;
      if (text[i] === "(") {
        i++;
        leaf = list(depth + 1);
        if (text[i] !== ")") fail();
        i++;
      }
      for (let p = path.length - 1; p > 0; p--) leaf = new Map([[path[p]!, leaf]]);
      merge(mask, path[0]!, leaf);
      if (text[i] === ",") {
        i++;
        continue;
      }
      if (depth > 0 ? text[i] === ")" : i === text.length) return mask;
      fail();
    }
  };
  if (text.trim() === "") fail();
  text = text.replace(/\s+/g, "");
  return list(0);
}

export function applyFieldMask(value: unknown, mask: FieldMask): unknown {
  if (Array.isArray(value)) return value.map((v) => applyFieldMask(v, mask));
  if (typeof value !== "object" || value === null) return value;
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const every = mask.get("*");
  for (const [key, v] of Object.entries(source)) {
    const sub = mask.get(key) ?? every;
    if (sub === undefined) continue;
    out[key] = sub === true ? v : applyFieldMask(v, sub);
  }
  return out;
}
