/**
 * A policy name as at most `maxLines` lines of at most `perLine` characters, broken after - _ . /
 * where it can be; what does not fit ends in "…" (the node's title holds the full name).
 */
export function labelLines(name: string, perLine = 28, maxLines = 2): string[] {
  const lines: string[] = [];
  let rest = name;
  while (rest.length > perLine && lines.length < maxLines - 1) {
    const window = rest.slice(0, perLine);
    const cut = Math.max(...["-", "_", ".", "/", " "].map((c) => window.lastIndexOf(c)));
    const at = cut >= perLine / 2 ? cut + 1 : perLine;
    lines.push(rest.slice(0, at));
    rest = rest.slice(at);
  }
  lines.push(rest.length > perLine ? `${rest.slice(0, perLine - 1)}…` : rest);
  return lines;
}

/** About the width of 12 px sans-serif text, for sizing a node to its label. */
export const textWidth = (text: string) => Math.ceil(text.length * 6.8);
