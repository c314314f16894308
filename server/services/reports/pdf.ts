import bidiFactory from "bidi-js";
import type * as fontkit from "fontkit";
import PDFDocument from "pdfkit";
import {
  cellText,
  columnWidths,
  fitText,
  FONT,
  HEADER_H,
  headerText,
  MARGIN,
  pagesOf,
  PAGE_H,
  PAGE_W,
  ROW_H,
  type PdfTable,
} from "@/server/core/reports/pdf-layout";
import { fontFor, loadFontsFor, type ChainFont, type Weight } from "./pdf-fonts";

/**
 * A report as a PDF table (landscape A4) set in Noto Sans, with PDFKit: every script a name may
 * be written in prints (Latin, Arabic shaped right to left, Chinese), each font embedded as a
 * subset of the glyphs used.
 */

const bidi = bidiFactory();
const RTL = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]/;

/** A piece of text set in one font, at one bidi level; `text` is in logical order, ready to shape. */
interface Run {
  text: string;
  font: ChainFont;
}

const glyphs = new WeakMap<ChainFont, Map<number, boolean>>();

/** Whether a font has a glyph for a character (asked for every character of every cell: remembered). */
function has(font: ChainFont, cp: number): boolean {
  let known = glyphs.get(font);
  if (!known) glyphs.set(font, (known = new Map()));
  let found = known.get(cp);
  if (found === undefined) known.set(cp, (found = font.font.hasGlyphForCodePoint(cp)));
  return found;
}

const laidOut = new Map<string, Run[]>();

/** Text as runs in the order they are drawn, left to right (Unicode bidi algorithm, rule L2); remembered. */
function runsOf(text: string, weight: Weight): Run[] {
  const memo = `${weight}\u0000${text}`;
  let runs = laidOut.get(memo);
  if (!runs) {
    runs = splitRuns(text, weight);
    if (laidOut.size > 20_000) laidOut.clear();
    laidOut.set(memo, runs);
  }
  return runs;
}

function splitRuns(text: string, weight: Weight): Run[] {
  // Most cells are plain ASCII: one run in the first font.
  if (/^[\x20-\x7e]*$/.test(text)) return [{ text, font: fontFor(65, weight)! }];
  const rtl = RTL.test(text);
  const levels = rtl ? bidi.getEmbeddingLevels(text, "ltr") : null;
  const mirrored = levels ? bidi.getMirroredCharactersMap(text, levels.levels) : null;
  const runs: (Run & { level: number })[] = [];
  let at = 0;
  for (const ch of text) {
    const level = levels ? levels.levels[at]! : 0;
    const cp = ch.codePointAt(0)!;
    const last = runs[runs.length - 1];
    // A character no font has prints as "?", as before; one the current font has stays in its run.
    const font =
      last && last.level === level && has(last.font, cp) ? last.font : (fontFor(cp, weight) ?? fontFor(63, weight)!);
    const shown = has(font, cp) ? (mirrored?.get(at) ?? ch) : "?";
    if (last && last.level === level && last.font === font) last.text += shown;
    else runs.push({ text: shown, font, level });
    at += ch.length;
  }
  if (!levels) return runs;
  // From the highest level down to the lowest odd one, reverse each sequence of runs at that level or above.
  const highest = Math.max(...runs.map((r) => r.level));
  for (let level = highest; level >= 1; level--)
    for (let i = 0; i < runs.length; i++) {
      if (runs[i]!.level < level) continue;
      let j = i;
      while (j + 1 < runs.length && runs[j + 1]!.level >= level) j++;
      runs.splice(i, j - i + 1, ...runs.slice(i, j + 1).reverse());
      i = j;
    }
  // Fontkit draws Arabic and Hebrew right to left by itself; neutral text inside such a run is reversed here.
  for (const run of runs)
    if (run.level % 2 === 1 && !RTL.test(run.text)) run.text = Array.from(run.text).reverse().join("");
  return runs;
}

/** Asked of a font by the renderer below: lay the text out glyph by glyph, unshaped. */
const UNSHAPED: PDFKit.Mixins.OpenTypeFeatures[] = [];

/**
 * The font as PDFKit gets it: text asked UNSHAPED is set glyph by glyph from the glyphs'
 * advances (Latin and Chinese cells need no shaping, and shaping each of 100,000 cells took
 * most of a minute); anything else, Arabic, is shaped by fontkit.
 */
function forPdfKit(font: fontkit.Font): fontkit.Font {
  const wrapped = Object.create(font) as fontkit.Font;
  // PDFKit lays out each text twice in a row (to draw it, then to measure it): the glyphs are kept once.
  let last = { text: "", glyphs: [] as fontkit.Glyph[] };
  wrapped.layout = (text: string, features?: unknown) => {
    if (features !== UNSHAPED) return font.layout(text, features as string[]);
    if (last.text !== text) last = { text, glyphs: font.glyphsForString(text) };
    const { glyphs } = last;
    const positions = glyphs.map((g) => ({ xAdvance: g.advanceWidth, yAdvance: 0, xOffset: 0, yOffset: 0 }));
    return { glyphs, positions, advanceWidth: positions.reduce((sum, p) => sum + p.xAdvance, 0) } as never;
  };
  return wrapped;
}

const advances = new WeakMap<ChainFont, Map<number, number>>();
const shapedWidths = new Map<string, number>();

/** The width of a run in points at a size, as it is drawn. */
function runWidth(run: Run, size: number): number {
  const { font, key } = run.font;
  let units = 0;
  if (RTL.test(run.text)) {
    const memo = `${key}\u0000${run.text}`;
    let shaped = shapedWidths.get(memo);
    if (shaped === undefined) {
      shaped = font.layout(run.text).advanceWidth;
      if (shapedWidths.size > 10_000) shapedWidths.clear();
      shapedWidths.set(memo, shaped);
    }
    units = shaped;
  } else {
    let known = advances.get(run.font);
    if (!known) advances.set(run.font, (known = new Map()));
    for (let i = 0; i < run.text.length; i++) {
      const cp = run.text.codePointAt(i)!;
      if (cp > 0xffff) i++;
      let advance = known.get(cp);
      if (advance === undefined) {
        advance = font.glyphForCodePoint(cp).advanceWidth;
        known.set(cp, advance);
      }
      units += advance;
    }
  }
  return (units / font.unitsPerEm) * size;
}

const measureAt = (size: number) => (text: string, bold: boolean) =>
  runsOf(text, bold ? "bold" : "regular").reduce((sum, run) => sum + runWidth(run, size), 0);

/** The PDF file's bytes. */
export async function renderPdfTable(table: PdfTable): Promise<Uint8Array> {
  const doc = new PDFDocument({
    size: [PAGE_W, PAGE_H],
    margin: 0,
    autoFirstPage: false,
    // No standard font: every run names its own embedded one (Helvetica would be read from disk for nothing).
    font: "",
    info: { Title: table.title, Producer: "Clearance" },
  });
  const chunks: Uint8Array[] = [];
  doc.on("data", (chunk: Uint8Array) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on("end", resolve);
    doc.on("error", reject);
  });
  const registered = new Set<string>();
  // `y` is the baseline, measured from the top of the page.
  const text = (x: number, y: number, size: number, weight: Weight, s: string) => {
    for (const run of runsOf(s, weight)) {
      if (!registered.has(run.font.key)) {
        doc.registerFont(run.font.key, forPdfKit(run.font.font) as unknown as PDFKit.Mixins.PDFFontSource);
        registered.add(run.font.key);
      }
      // Features named make PDFKit lay the run out whole (it would shape word by word, and right-to-left
      // words would keep their left-to-right order); see forPdfKit.
      const features = RTL.test(run.text) ? [] : UNSHAPED;
      doc
        .font(run.font.key)
        .fontSize(size)
        .text(run.text, x, y, { lineBreak: false, baseline: "alphabetic", features });
      x += runWidth(run, size);
    }
  };
  const cells = table.rows.map((row) => table.columns.map((_, i) => cellText(row[i])));
  await loadFontsFor(`${table.subtitle}page 0123456789 of${cells.map((row) => row.join("")).join("")}`, "regular");
  await loadFontsFor(`${table.title}${table.columns.map(headerText).join("")}`, "bold");
  const measure = measureAt(FONT);
  const cols = columnWidths(table, measure);
  const pages = pagesOf(cells);
  pages.forEach((rows, p) => {
    doc.addPage({ size: [PAGE_W, PAGE_H], margin: 0 });
    text(MARGIN, MARGIN, 12, "bold", table.title);
    text(MARGIN, MARGIN + 14, 8, "regular", table.subtitle);
    let y = MARGIN + HEADER_H - 8;
    let x = MARGIN;
    cols.forEach((w, i) => {
      text(x + 2, y, FONT, "bold", fitText(headerText(table.columns[i]!), w, measure, true));
      x += w;
    });
    doc
      .moveTo(MARGIN, y + 3)
      .lineTo(PAGE_W - MARGIN, y + 3)
      .lineWidth(0.5)
      .stroke("#999999");
    rows.forEach((row, r) => {
      y += ROW_H;
      if (r % 2 === 1) doc.rect(MARGIN, y - ROW_H + 3, PAGE_W - 2 * MARGIN, ROW_H).fill("#f2f2f2");
      doc.fillColor("black");
      x = MARGIN;
      cols.forEach((w, i) => {
        text(x + 2, y, FONT, "regular", fitText(row[i]!, w, measure));
        x += w;
      });
    });
    text(PAGE_W - MARGIN - 60, PAGE_H - MARGIN + 14, 7, "regular", `page ${p + 1} of ${pages.length}`);
  });
  doc.end();
  await ended;
  return new Uint8Array(Buffer.concat(chunks));
}
