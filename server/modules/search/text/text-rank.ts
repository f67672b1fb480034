/**
 * What a record stores for text search, and how a query ranks it. Each token is stored once per
 * field it appears in ("t:" title, "d:" description, "p:" place names and other labels); a query
 * word matches a whole word or its beginning ("babouche" → "babouches"), through the in-memory
 * index of text-index.ts.
 */
import { tokenize } from './normalize.js';

export type Multilingual = Partial<Record<'ar' | 'fr' | 'en' | 'zgh', string>>;

export interface SearchableText {
  title: Multilingual;
  description?: Multilingual;
  /** Place names, community, craft and region names: matched, but below title and description. */
  labels?: string[];
}

export interface SearchIndexFields {
  searchTerms: string[];
}

export const FIELD_WEIGHT = { t: 3, d: 1.5, p: 1 } as const;
export type Field = keyof typeof FIELD_WEIGHT;
/** A prefix match counts less than the whole word. */
export const PREFIX_FACTOR = 0.6;
/** Query words shorter than this match whole words only. */
export const MIN_PREFIX = 2;

const textsOf = (m?: Multilingual) => (m ? Object.values(m).filter((v): v is string => typeof v === 'string') : []);

export function buildSearchIndex(input: SearchableText): SearchIndexFields {
  const terms = new Set<string>();
  const add = (field: Field, texts: string[]) => {
    for (const text of texts) for (const token of tokenize(text)) terms.add(`${field}:${token}`);
  };
  add('t', textsOf(input.title));
  add('d', textsOf(input.description));
  add('p', input.labels ?? []);
  return { searchTerms: [...terms] };
}

/** The distinct tokens of a query, in order. */
export function queryTokens(q: string): string[] {
  return [...new Set(tokenize(q))];
}

export interface TextScore {
  score: number;
  /** How many distinct query tokens matched somewhere. */
  matched: number;
  /** Fields where something matched, for "what matched" in prior art. */
  fields: Field[];
}

/**
 * Scores one record for a query: for each query token, its best field match (exact word above
 * prefix, title above description above labels); records matching every token come first.
 * The reference definition: text-index.ts computes the same scores over every entry at once.
 */
export function scoreTerms(tokens: string[], searchTerms: string[]): TextScore {
  let score = 0;
  let matched = 0;
  const fields = new Set<Field>();
  for (const token of tokens) {
    let best = 0;
    let bestField: Field | undefined;
    const prefixes = [...token].length >= MIN_PREFIX;
    for (const term of searchTerms) {
      const field = term[0] as Field;
      const word = term.slice(2);
      const value = word === token ? FIELD_WEIGHT[field] : prefixes && word.startsWith(token) ? FIELD_WEIGHT[field] * PREFIX_FACTOR : 0;
      if (value > best) {
        best = value;
        bestField = field;
      }
    }
    if (best > 0) {
      matched++;
      score += best;
      fields.add(bestField!);
    }
  }
  // Every token matched outranks any partial match.
  if (tokens.length > 0 && matched === tokens.length) score += 10;
  return { score, matched, fields: [...fields] };
}
