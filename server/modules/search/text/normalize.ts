/**
 * Text normalisation for search in Arabic, French, English and Amazigh in Latin script.
 * MongoDB's $text has no Arabic, so Naqsh folds text itself: what a person may type differently
 * (hamza, ta marbuta, diacritics, tatweel, accents, case, Eastern digits) becomes the same token.
 */

// Arabic tashkeel (fathatan … sukun, and the small marks up to U+065F) and the superscript alef.
const ARABIC_MARKS = /[\u064B-\u065F\u0670\u06D6-\u06ED]/g;
const TATWEEL = /\u0640/g;
// Latin combining marks left by NFD (accents, cedilla, dot below of Amazigh ḥ ṛ ṣ ṭ ẓ).
// eslint-disable-next-line no-misleading-character-class -- a class of combining marks on purpose
const LATIN_MARKS = /[\u0300-\u036F\u1AB0-\u1AFF\u1DC0-\u1DFF]/g;

const CHAR_FOLDS: Record<string, string> = {
  // Alef forms → bare alef (hamza and madda marks are removed with the other marks after NFD).
  '\u0671': '\u0627', // alef wasla
  '\u0629': '\u0647', // ta marbuta → ha
  '\u0649': '\u064A', // alef maqsura → ya
  '\u06A9': '\u0643', // Persian kaf → kaf
  '\u06CC': '\u064A', // Persian yeh → ya
  '\u06C0': '\u0647', // heh with yeh above
  '\u06D5': '\u0647', // ae
  '\u0621': '', // lone hamza carries no letter
  // Latin ligatures and letters NFKC leaves alone.
  œ: 'oe',
  æ: 'ae',
  ß: 'ss',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  // Amazigh Latin letters.
  ɛ: 'e',
  ɣ: 'gh',
  ǧ: 'g',
};
const CHAR_FOLD_RE = new RegExp(`[${Object.keys(CHAR_FOLDS).join('')}]`, 'g');

/** Arabic-Indic (U+0660…) and Extended Arabic-Indic (U+06F0…) digits → ASCII digits. */
function foldDigits(s: string): string {
  return s.replace(/[\u0660-\u0669\u06F0-\u06F9]/g, (d) => String((d.charCodeAt(0) & 0xf) % 10));
}

/** Folds a text for matching: the same word typed in different ways gives the same string. */
export function normalizeText(input: string): string {
  let s = input.normalize('NFKC').toLowerCase();
  s = s.normalize('NFD').replace(LATIN_MARKS, '').replace(ARABIC_MARKS, '').replace(TATWEEL, '');
  s = s.normalize('NFC').replace(CHAR_FOLD_RE, (c) => CHAR_FOLDS[c] ?? c);
  // NFC may recompose alef + hamza; strip again so أ إ آ ؤ ئ all end bare.
  s = s.normalize('NFD').replace(ARABIC_MARKS, '');
  return foldDigits(s);
}

// The article with the prepositions that attach to it: al-, wa-l-, fa-l-, bi-l-, ka-l-, li-l- (ll).
const ARABIC_ARTICLE = /^(?:[وف]?(?:[بك]?ال|لل))(?=[\u0621-\u064A]{2,})/;

const STOPWORDS = new Set([
  // French
  'de', 'des', 'du', 'la', 'le', 'les', 'l', 'd', 'un', 'une', 'et', 'en', 'a', 'au', 'aux', 'sur', 'pour', 'par', 'avec', 'dans', 'qu',
  // English
  'the', 'of', 'from', 'and', 'an', 'in', 'on', 'with', 'for', 'by', 'to',
  // Arabic (after folding)
  'من', 'في', 'على', 'الي', 'عن', 'مع', 'و',
]);

/** Removes the Arabic definite article (and an attached wa-/fa-/bi-/ka-/li-) from one token. */
export function stripArabicArticle(token: string): string {
  return token.replace(ARABIC_ARTICLE, '');
}

/** Splits a text into normalised search tokens (stop words dropped, Arabic article removed). */
export function tokenize(input: string): string[] {
  const tokens: string[] = [];
  for (const raw of normalizeText(input).split(/[^\p{L}\p{N}]+/u)) {
    if (!raw) continue;
    const token = stripArabicArticle(raw);
    if (!token || STOPWORDS.has(token)) continue;
    tokens.push(token);
  }
  return tokens;
}

/** Every prefix of a token from `min` characters up, for prefix and search-as-you-type matching. */
export function prefixesOf(token: string, min = 2): string[] {
  const chars = Array.from(token);
  const out: string[] = [];
  for (let n = Math.min(min, chars.length); n <= chars.length; n++) out.push(chars.slice(0, n).join(''));
  return out;
}
