import levenshtein from "damerau-levenshtein";

/**
 * Why an HR value looks like a misspelling of a value policies name: the only grounds on which
 * Clearance suggests an alias. A shared word is not one of them ("Software Engineer" and "Sales
 * Engineer" share "Engineer" and mean different jobs).
 */
export type EvidenceKind = "case-or-spacing" | "typo" | "abbreviation" | "extra-words";

export interface Evidence {
  kind: EvidenceKind;
  /** in words, for the person deciding: e.g. `"Enginer" is 1 letter from "Engineer"` */
  text: string;
}

/** The words of a value as written; compared in lower case. */
const tokens = (v: string) => v.split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 0);
const words = (v: string) => tokens(v).map((w) => w.toLowerCase());
/** Digits and roman numerals mark levels and ranks ("Tier 2", "Engineer III"): never a typo or an abbreviation. */
const hasDigit = (w: string) => /\p{N}/u.test(w) || /^(x{0,3})(ix|iv|v?i{0,3})$/i.test(w);
const quote = (v: string) => `“${v}”`;

/**
 * `short` stands for `long`: its first letters ("Eng" → "Engineering", at least 2 letters, all of
 * them letters), or its first and last letters with some in between, in order ("Sr" → "Senior",
 * "Mgr" → "Manager", "Dept" → "Department"). Never a word with digits: "II" is not "III".
 */
export function abbreviates(short: string, long: string): boolean {
  if (short.length < 2 || short.length >= long.length || hasDigit(short) || hasDigit(long)) return false;
  if (long.startsWith(short)) return true;
  if (short[0] !== long[0] || short.at(-1) !== long.at(-1)) return false;
  let i = 0;
  for (const ch of long) if (ch === short[i]) i++;
  return i === short.length;
}

/** Two spellings of one word a keystroke or two apart: 1 edit for words of 4+ letters, 2 for 8+; no digits. */
function typoOf(a: string, b: string): number | null {
  if (a === b || hasDigit(a) || hasDigit(b)) return null;
  const shorter = Math.min(a.length, b.length);
  const allowed = shorter >= 8 ? 2 : shorter >= 4 ? 1 : 0;
  const steps = levenshtein(a, b).steps;
  return steps <= allowed ? steps : null;
}

/**
 * The evidence that `raw` is a spelling of `target`, or null. `isGeneric(word)` says whether a
 * word is shared by many values of the attribute: containment of such a word alone is no evidence.
 */
export function spellingEvidence(
  raw: string,
  target: string,
  isGeneric: (word: string) => boolean = () => false,
): Evidence | null {
  const [rw, tw] = [tokens(raw), tokens(target)];
  const [r, t] = [rw.map((w) => w.toLowerCase()), tw.map((w) => w.toLowerCase())];
  if (r.length === 0 || t.length === 0) return null;
  if (r.join("") === t.join(""))
    return { kind: "case-or-spacing", text: `differs from ${quote(target)} only in case, spacing or punctuation` };

  if (r.length === t.length) {
    const differing = r.flatMap((w, i) => (w === t[i] ? [] : [i]));
    if (differing.length === 1) {
      const i = differing[0]!;
      const steps = typoOf(r[i]!, t[i]!);
      if (steps !== null)
        return {
          kind: "typo",
          text: `${quote(rw[i]!)} is ${steps} letter${steps === 1 ? "" : "s"} from ${quote(tw[i]!)}; the other words are the same`,
        };
    }
    if (differing.length > 0 && differing.every((i) => abbreviates(r[i]!, t[i]!))) {
      return {
        kind: "abbreviation",
        text: `each word is the word of ${quote(target)} or short for it: ${differing.map((i) => `${quote(rw[i]!)} for ${quote(tw[i]!)}`).join(", ")}`,
      };
    }
  }
  if (r.length === 1 && t.length >= 2 && r[0] === t.map((w) => w[0]).join("") && !hasDigit(r[0]!)) {
    return { kind: "abbreviation", text: `${quote(rw[0]!)} is the initials of ${quote(target)}` };
  }

  // Every word of the target, in order (as written or abbreviated), plus qualifiers: "San
  // Francisco, CA", "Product Eng". Only when some matched word is distinctive for the attribute.
  if (r.length > t.length) {
    const matched: number[] = [];
    const extra: string[] = [];
    r.forEach((w, i) => {
      const next = t[matched.length];
      if (next !== undefined && (w === next || abbreviates(w, next))) matched.push(i);
      else extra.push(rw[i]!);
    });
    if (matched.length === t.length && t.some((w) => !isGeneric(w))) {
      const shortened = matched.flatMap((ri, ti) =>
        r[ri] === t[ti] ? [] : [`${quote(rw[ri]!)} for ${quote(tw[ti]!)}`],
      );
      return {
        kind: "extra-words",
        text: `contains all of ${quote(target)}${shortened.length ? ` (${shortened.join(", ")})` : ""}, plus ${extra.map(quote).join(", ")}`,
      };
    }
  }
  return null;
}

/** How convincing each kind is, for choosing between two targets: a spacing difference beats a qualifier. */
export const evidenceStrength: Record<EvidenceKind, number> = {
  "case-or-spacing": 4,
  typo: 3,
  abbreviation: 2,
  "extra-words": 1,
};

/**
 * Words found in `threshold` or more distinct values of an attribute (HR's and policies'): job
 * titles share "Engineer", "Senior", "Sales". Containing such a word alone proves nothing.
 */
export function genericWords(values: Iterable<string>, threshold = 3): Set<string> {
  const count = new Map<string, number>();
  for (const v of values) for (const w of new Set(words(v))) count.set(w, (count.get(w) ?? 0) + 1);
  return new Set([...count].filter(([, n]) => n >= threshold).map(([w]) => w));
}
