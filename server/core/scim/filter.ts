import { invalidFilter } from "./errors";
import { parseAttrPath, type AttrPath } from "./attr-path";

export const compareOperators = ["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"] as const;
export type CompareOperator = (typeof compareOperators)[number];
export type FilterValue = string | number | boolean | null;

/** A parsed RFC 7644 §3.4.2.2 filter. Paths inside a valuePath are relative to its attribute. */
export type Filter =
  | { kind: "compare"; op: CompareOperator; path: AttrPath; value: FilterValue }
  | { kind: "present"; path: AttrPath }
  | { kind: "and" | "or"; left: Filter; right: Filter }
  | { kind: "not"; filter: Filter }
  | { kind: "valuePath"; path: AttrPath; filter: Filter };

type Token =
  | { type: "word"; text: string; at: number }
  | { type: "string"; value: string; at: number }
  | { type: "(" | ")" | "[" | "]"; at: number };

// Long enough for any real query; stops a client from making the parser recurse without end.
const MAX_FILTER_LENGTH = 4096;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) i++;
    else if (c === "(" || c === ")" || c === "[" || c === "]") tokens.push({ type: c, at: i++ });
    else if (c === '"') {
      let end = i + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === "\\" ? 2 : 1;
      if (end >= text.length) throw invalidFilter(`The string starting at character ${i + 1} is not closed`);
      try {
        tokens.push({ type: "string", value: JSON.parse(text.slice(i, end + 1)) as string, at: i });
      } catch {
        throw invalidFilter(`The string starting at character ${i + 1} has an invalid escape`);
      }
      i = end + 1;
    } else {
      const start = i;
      while (i < text.length && !/[\s()[\]"]/.test(text[i]!)) i++;
      tokens.push({ type: "word", text: text.slice(start, i), at: start });
    }
  }
  return tokens;
}

const NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;

/** Parses a filter; anything it cannot read is a 400 invalidFilter naming where. */
export function parseFilter(text: string): Filter {
  if (text.length > MAX_FILTER_LENGTH) throw invalidFilter(`The filter is longer than ${MAX_FILTER_LENGTH} characters`);
  const tokens = tokenize(text);
  let pos = 0;
  const peek = () => tokens[pos];
  const describe = (t: Token | undefined) =>
    t === undefined
      ? "the end of the filter"
      : t.type === "word"
        ? `"${t.text}" at character ${t.at + 1}`
        : t.type === "string"
          ? `a string at character ${t.at + 1}`
          : `"${t.type}" at character ${t.at + 1}`;
  const isWord = (t: Token | undefined, ...words: string[]): boolean =>
    t?.type === "word" && words.includes(t.text.toLowerCase());
  const expect = (type: "(" | ")" | "]") => {
    const t = tokens[pos];
    if (t?.type !== type) throw invalidFilter(`Expected "${type}" but found ${describe(t)}`);
    pos++;
  };

  function orExpression(inValuePath: boolean): Filter {
    let left = andExpression(inValuePath);
    while (isWord(peek(), "or")) {
      pos++;
      left = { kind: "or", left, right: andExpression(inValuePath) };
    }
    return left;
  }

  function andExpression(inValuePath: boolean): Filter {
    let left = unary(inValuePath);
    while (isWord(peek(), "and")) {
      pos++;
      left = { kind: "and", left, right: unary(inValuePath) };
    }
    return left;
  }

  function unary(inValuePath: boolean): Filter {
    const t = peek();
    if (isWord(t, "not") && tokens[pos + 1]?.type === "(") {
      pos++;
      expect("(");
      const filter = orExpression(inValuePath);
      expect(")");
      return { kind: "not", filter };
    }
    if (t?.type === "(") {
      pos++;
      const filter = orExpression(inValuePath);
      expect(")");
      return filter;
    }
    if (t?.type !== "word") throw invalidFilter(`Expected an attribute but found ${describe(t)}`);
    pos++;
    const path = parseAttrPath(t.text);
    if (peek()?.type === "[") {
      if (inValuePath) throw invalidFilter(`A value filter cannot contain another one (${describe(peek())})`);
      pos++;
      const filter = orExpression(true);
      expect("]");
      return { kind: "valuePath", path, filter };
    }
    const op = peek();
    if (isWord(op, "pr")) {
      pos++;
      return { kind: "present", path };
    }
    if (!op || op.type !== "word" || !(compareOperators as readonly string[]).includes(op.text.toLowerCase())) {
      throw invalidFilter(
        `Expected an operator (${[...compareOperators, "pr"].join(", ")}) after "${t.text}" but found ${describe(op)}`,
      );
    }
    pos++;
    return { kind: "compare", op: op.text.toLowerCase() as CompareOperator, path, value: compareValue() };
  }

  function compareValue(): FilterValue {
    const t = tokens[pos++];
    if (t?.type === "string") return t.value;
    if (t?.type === "word") {
      const word = t.text.toLowerCase();
      if (word === "true" || word === "false") return word === "true";
      if (word === "null") return null;
      if (NUMBER.test(t.text)) return Number(t.text);
    }
    throw invalidFilter(`Expected a value (a quoted string, true, false, null or a number) but found ${describe(t)}`);
  }

  if (tokens.length === 0) throw invalidFilter("The filter is empty");
  const filter = orExpression(false);
  if (pos < tokens.length) throw invalidFilter(`Unexpected ${describe(tokens[pos])}`);
  return filter;
}
