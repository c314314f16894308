/**
 * Messages in a request's thread are plain text with a little safe formatting: *bold*,
 * `code`, links to http(s) addresses, and @mentions (@sarah.chen). They are turned into
 * tokens that the page renders as elements; text is never inserted as HTML.
 */
export type Token =
  | { kind: "text"; text: string }
  | { kind: "bold"; text: string }
  | { kind: "code"; text: string }
  | { kind: "link"; href: string }
  | { kind: "mention"; handle: string }
  | { kind: "newline" };

// A mention starts a word: the @ of an email address (cfo@company.com) is not one.
const PATTERN =
  /(\*[^*\n]{1,200}\*)|(`[^`\n]{1,200}`)|(https?:\/\/[^\s<>"')]+)|((?<![\w.@])@[a-z0-9][a-z0-9._-]{0,63}[a-z0-9])|(\n)/gi;

export function tokenize(body: string): Token[] {
  const tokens: Token[] = [];
  let last = 0;
  for (const m of body.matchAll(PATTERN)) {
    if (m.index > last) tokens.push({ kind: "text", text: body.slice(last, m.index) });
    const [all, bold, code, link, mention] = m;
    if (bold) tokens.push({ kind: "bold", text: bold.slice(1, -1) });
    else if (code) tokens.push({ kind: "code", text: code.slice(1, -1) });
    else if (link) tokens.push({ kind: "link", href: link });
    else if (mention) tokens.push({ kind: "mention", handle: mention.slice(1).toLowerCase() });
    else tokens.push({ kind: "newline" });
    last = m.index + all.length;
  }
  if (last < body.length) tokens.push({ kind: "text", text: body.slice(last) });
  return tokens;
}

/** The handles mentioned in a message (the part of an email before @). */
export const mentions = (body: string) => [
  ...new Set(tokenize(body).flatMap((t) => (t.kind === "mention" ? [t.handle] : []))),
];
