/**
 * Arabic for PDFs. pdfkit draws code points as they come, so Naqsh shapes Arabic
 * itself: every letter becomes its contextual presentation form (isolated, final, initial,
 * medial; U+FE70–U+FEFF, lam-alef ligatures), and each line is cut into directional runs laid
 * out in visual order (a simplified Unicode bidi: strong Arabic letters are right-to-left, Latin
 * letters and digits left-to-right, neutrals take the direction around them).
 *
 * Runs are returned with their characters in LOGICAL order: the PDF renderer (fontkit) lays out a
 * run of Arabic script right to left by itself, so the caller only places the runs.
 */

type Forms = [isolated: number, final: number, initial?: number, medial?: number];

// Letters whose forms exist in Presentation Forms-B. Two forms: joins to the previous letter only.
const FORMS: Record<number, Forms> = {
  0x0621: [0xfe80, 0xfe80],
  0x0622: [0xfe81, 0xfe82],
  0x0623: [0xfe83, 0xfe84],
  0x0624: [0xfe85, 0xfe86],
  0x0625: [0xfe87, 0xfe88],
  0x0626: [0xfe89, 0xfe8a, 0xfe8b, 0xfe8c],
  0x0627: [0xfe8d, 0xfe8e],
  0x0628: [0xfe8f, 0xfe90, 0xfe91, 0xfe92],
  0x0629: [0xfe93, 0xfe94],
  0x062a: [0xfe95, 0xfe96, 0xfe97, 0xfe98],
  0x062b: [0xfe99, 0xfe9a, 0xfe9b, 0xfe9c],
  0x062c: [0xfe9d, 0xfe9e, 0xfe9f, 0xfea0],
  0x062d: [0xfea1, 0xfea2, 0xfea3, 0xfea4],
  0x062e: [0xfea5, 0xfea6, 0xfea7, 0xfea8],
  0x062f: [0xfea9, 0xfeaa],
  0x0630: [0xfeab, 0xfeac],
  0x0631: [0xfead, 0xfeae],
  0x0632: [0xfeaf, 0xfeb0],
  0x0633: [0xfeb1, 0xfeb2, 0xfeb3, 0xfeb4],
  0x0634: [0xfeb5, 0xfeb6, 0xfeb7, 0xfeb8],
  0x0635: [0xfeb9, 0xfeba, 0xfebb, 0xfebc],
  0x0636: [0xfebd, 0xfebe, 0xfebf, 0xfec0],
  0x0637: [0xfec1, 0xfec2, 0xfec3, 0xfec4],
  0x0638: [0xfec5, 0xfec6, 0xfec7, 0xfec8],
  0x0639: [0xfec9, 0xfeca, 0xfecb, 0xfecc],
  0x063a: [0xfecd, 0xfece, 0xfecf, 0xfed0],
  0x0641: [0xfed1, 0xfed2, 0xfed3, 0xfed4],
  0x0642: [0xfed5, 0xfed6, 0xfed7, 0xfed8],
  0x0643: [0xfed9, 0xfeda, 0xfedb, 0xfedc],
  0x0644: [0xfedd, 0xfede, 0xfedf, 0xfee0],
  0x0645: [0xfee1, 0xfee2, 0xfee3, 0xfee4],
  0x0646: [0xfee5, 0xfee6, 0xfee7, 0xfee8],
  0x0647: [0xfee9, 0xfeea, 0xfeeb, 0xfeec],
  0x0648: [0xfeed, 0xfeee],
  0x0649: [0xfeef, 0xfef0],
  0x064a: [0xfef1, 0xfef2, 0xfef3, 0xfef4],
  // Letters used in Moroccan and Persian spellings (Presentation Forms-A).
  0x067e: [0xfb56, 0xfb57, 0xfb58, 0xfb59],
  0x0686: [0xfb7a, 0xfb7b, 0xfb7c, 0xfb7d],
  0x06a4: [0xfb6a, 0xfb6b, 0xfb6c, 0xfb6d],
  0x06a9: [0xfb8e, 0xfb8f, 0xfb90, 0xfb91],
  0x06af: [0xfb92, 0xfb93, 0xfb94, 0xfb95],
  0x06cc: [0xfbfc, 0xfbfd, 0xfbfe, 0xfbff],
};
const TATWEEL = 0x0640;
/** Lam followed by these alefs makes one ligature: [isolated, final]. */
const LAM_ALEF: Record<number, [number, number]> = {
  0x0622: [0xfef5, 0xfef6],
  0x0623: [0xfef7, 0xfef8],
  0x0625: [0xfef9, 0xfefa],
  0x0627: [0xfefb, 0xfefc],
};
const LAM = 0x0644;

/** Harakat and other marks: transparent for joining (they sit on the letter before). */
const isMark = (c: number) => (c >= 0x064b && c <= 0x065f) || c === 0x0670 || (c >= 0x06d6 && c <= 0x06ed);
const joinsBefore = (c: number) => c === TATWEEL || (FORMS[c] !== undefined && FORMS[c]![2] !== undefined);
const joinsAfter = (c: number) => c === TATWEEL || FORMS[c] !== undefined;

/** Replaces Arabic letters by their contextual presentation forms (logical order kept). */
export function shapeArabic(text: string): string {
  const cps = Array.from(text, (ch) => ch.codePointAt(0)!);
  const out: number[] = [];
  const prevLetter = (i: number) => {
    for (let j = i - 1; j >= 0; j--) if (!isMark(cps[j]!)) return cps[j];
    return undefined;
  };
  const nextLetter = (i: number) => {
    for (let j = i + 1; j < cps.length; j++) if (!isMark(cps[j]!)) return { c: cps[j]!, at: j };
    return undefined;
  };
  for (let i = 0; i < cps.length; i++) {
    const c = cps[i]!;
    const forms = FORMS[c];
    if (!forms) {
      out.push(c);
      continue;
    }
    const before = prevLetter(i);
    const joinPrev = before !== undefined && joinsBefore(before);
    const next = nextLetter(i);
    if (c === LAM && next && LAM_ALEF[next.c]) {
      out.push(LAM_ALEF[next.c]![joinPrev ? 1 : 0]);
      // Keep marks between lam and alef, drop the alef itself (it is in the ligature).
      for (let j = i + 1; j < next.at; j++) out.push(cps[j]!);
      i = next.at;
      continue;
    }
    const joinNext = next !== undefined && forms[2] !== undefined && joinsAfter(next.c);
    if (joinPrev && joinNext) out.push(forms[3]!);
    else if (joinPrev) out.push(forms[1]);
    else if (joinNext) out.push(forms[2]!);
    else out.push(forms[0]);
  }
  return String.fromCodePoint(...out);
}

const RTL = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/u;
const LTR = /[\p{L}\p{N}]/u;

export interface Run {
  text: string;
  rtl: boolean;
}

/** Whether a text is mainly right-to-left (its first strong character is Arabic or Hebrew). */
export function isRtl(text: string): boolean {
  for (const ch of text) {
    if (RTL.test(ch)) return true;
    if (LTR.test(ch)) return false;
  }
  return false;
}

/**
 * One line cut into runs of one direction, in visual order (left to right), Arabic shaped.
 * `rtl` is the paragraph direction (defaults to the first strong character's).
 */
export function visualRuns(line: string, rtl = isRtl(line)): Run[] {
  const chars = Array.from(shapeArabic(line));
  const strong = chars.map((ch) => (RTL.test(ch) ? 'R' : LTR.test(ch) ? 'L' : 'N'));
  // Neutrals between two strong characters of the same direction take it; others the paragraph's.
  const dirs = strong.map((d, i) => {
    if (d !== 'N' && !isMark(chars[i]!.codePointAt(0)!)) return d;
    if (d !== 'N') return d;
    let a: string | undefined;
    let b: string | undefined;
    for (let j = i - 1; j >= 0 && !a; j--) if (strong[j] !== 'N') a = strong[j];
    for (let j = i + 1; j < chars.length && !b; j++) if (strong[j] !== 'N') b = strong[j];
    return a && a === b ? a : rtl ? 'R' : 'L';
  });
  // Paired brackets take the direction of what they enclose (UBA rule N0, simplified).
  const open = new Map<number, number>();
  const stack: number[] = [];
  chars.forEach((ch, i) => {
    if (ch in MIRROR && '([{'.includes(ch)) stack.push(i);
    else if (ch in MIRROR && stack.length) open.set(stack.pop()!, i);
  });
  for (const [a, b] of open) {
    const inside = strong.slice(a + 1, b);
    const dir = inside.includes(rtl ? 'R' : 'L') ? (rtl ? 'R' : 'L') : inside.includes(rtl ? 'L' : 'R') ? (rtl ? 'L' : 'R') : undefined;
    if (dir) dirs[a] = dirs[b] = dir;
  }
  const runs: Run[] = [];
  chars.forEach((ch, i) => {
    const r = dirs[i] === 'R';
    // A bracket inside a right-to-left run is drawn mirrored.
    const glyph = r && ch in MIRROR ? MIRROR[ch]! : ch;
    const last = runs[runs.length - 1];
    if (last && last.rtl === r) last.text += glyph;
    else runs.push({ text: glyph, rtl: r });
  });
  const ordered = rtl ? runs.reverse() : runs;
  // Right-to-left runs are cut into words (each drawn on its own, right to left): renderers lay
  // out one Arabic word reliably, but may drop the spaces of a longer run.
  return ordered.flatMap((run) => (run.rtl ? run.text.split(/( +)/).filter(Boolean).reverse().map((text) => ({ text, rtl: true })) : [run]));
}

const MIRROR: Record<string, string> = { '(': ')', ')': '(', '[': ']', ']': '[', '{': '}', '}': '{', '«': '»', '»': '«' };
