import { readFile } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import * as fontkit from "fontkit";
import subsetFont from "subset-font";

/**
 * The fonts a PDF report is set in: no one font covers Latin, Arabic and Chinese, so a chain of
 * Noto Sans families (from their Fontsource npm packages) is asked in turn for each character.
 * Fontsource splits each family into files by Unicode range (its unicode.json); a file is read
 * the first time a report needs one of its characters and kept for the life of the process.
 */

export type Weight = "regular" | "bold";

interface Family {
  /** the npm package holding the font files */
  pkg: string;
  /** the file of one of the package's subsets (a key of its unicode.json) in a weight */
  file: (subset: string, weight: Weight) => string;
  /** the subsets to use; the others are covered better by another family of the chain */
  use: (subset: string) => boolean;
  /** a variable font, instanced at the weight */
  variable?: boolean;
}

const CHAIN: readonly Family[] = [
  {
    pkg: "@fontsource/noto-sans",
    file: (subset, weight) => `noto-sans-${subset}-${weight === "bold" ? 700 : 400}-normal.woff2`,
    use: () => true,
  },
  {
    pkg: "@fontsource/noto-sans-arabic",
    file: (subset, weight) => `noto-sans-arabic-${subset}-${weight === "bold" ? 700 : 400}-normal.woff2`,
    use: (subset) => subset === "arabic",
  },
  {
    pkg: "@fontsource-variable/noto-sans-sc",
    file: (subset) => `noto-sans-sc-${subset.replace(/^\[(\d+)\]$/, "$1")}-wght-normal.woff2`,
    use: () => true,
    variable: true,
  },
];

/** A font of the chain: its key names it in the PDF (one embedded subset per key). */
export interface ChainFont {
  key: string;
  font: fontkit.Font;
}

interface Subset {
  name: string;
  ranges: [number, number][];
  dir: string;
}

const require = createRequire(import.meta.url);

function subsetsOf(family: Family): Subset[] {
  // Resolved by Node at run time: the bundler (Turbopack) cannot follow a package name built at run time.
  const dir = path.dirname(require.resolve(/* turbopackIgnore: true */ `${family.pkg}/package.json`));
  const unicode = JSON.parse(readFileSync(path.join(dir, "unicode.json"), "utf8")) as Record<string, string>;
  return Object.entries(unicode)
    .filter(([name]) => family.use(name))
    .map(([name, ranges]) => ({
      name,
      dir: path.join(dir, "files"),
      ranges: ranges.split(",").map((r) => {
        const [from, to] = r.trim().replace(/^U\+/i, "").split("-");
        return [parseInt(from!, 16), parseInt(to ?? from!, 16)] as [number, number];
      }),
    }));
}

/**
 * A font file as plain TrueType with the glyphs of its subset's characters, a variable font at one
 * weight (HarfBuzz's subsetter does both). Fontkit reads WOFF2 glyphs but subsets them wrongly,
 * inflates a WOFF table again at each glyph, and would embed a variable font's default (Thin) instance.
 */
async function trueType(bytes: Uint8Array, subset: Subset, wght: number | null): Promise<Uint8Array> {
  const chars = subset.ranges.flatMap(([a, b]) =>
    Array.from({ length: b - a + 1 }, (_, i) => String.fromCodePoint(a + i)),
  );
  return subsetFont(Buffer.from(bytes), chars.join(""), {
    targetFormat: "sfnt",
    ...(wght ? { variationAxes: { wght } } : {}),
  });
}

let families: { family: Family; subsets: Subset[] }[] | null = null;
const opened = new Map<string, Promise<ChainFont>>();

function open(family: Family, subset: Subset, weight: Weight): Promise<ChainFont> {
  const key = `${family.pkg.replace(/\W+/g, "-").replace(/^-/, "")}-${subset.name.replace(/\W+/g, "")}-${weight}`;
  let font = opened.get(key);
  if (!font) {
    font = (async () => {
      const bytes = await readFile(path.join(subset.dir, family.file(subset.name, weight)));
      const wght = family.variable ? (weight === "bold" ? 700 : 400) : null;
      return { key, font: fontkit.create(Buffer.from(await trueType(bytes, subset, wght))) as fontkit.Font };
    })();
    opened.set(key, font);
  }
  return font;
}

const chosen = new Map<string, ChainFont | null>();

/** Reads the fonts the characters of a text need (once per process), so that fontFor finds them. */
export async function loadFontsFor(text: string, weight: Weight): Promise<void> {
  families ??= CHAIN.map((family) => ({ family, subsets: subsetsOf(family) }));
  for (const ch of new Set(Array.from(`${text}A?…`))) {
    const cp = ch.codePointAt(0)!;
    const memo = `${weight}:${cp}`;
    if (chosen.has(memo)) continue;
    let found: ChainFont | null = null;
    search: for (const { family, subsets } of families)
      for (const subset of subsets)
        if (subset.ranges.some(([a, b]) => cp >= a && cp <= b)) {
          const candidate = await open(family, subset, weight);
          if (candidate.font.hasGlyphForCodePoint(cp)) {
            found = candidate;
            break search;
          }
        }
    chosen.set(memo, found);
  }
}

/** The first font of the chain with a glyph for the character (loadFontsFor read it), or null when none has one. */
export function fontFor(codePoint: number, weight: Weight): ChainFont | null {
  return chosen.get(`${weight}:${codePoint}`) ?? null;
}
