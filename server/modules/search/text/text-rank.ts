/**
 * What a record stores for text search, and how a query ranks it. Each token is stored once per
 * field it appears in ("t:" title, "d:" description, "p:" place names and other labels) for
 * ranking, and every prefix of every token is stored in one indexed array for retrieval, so a
 * query word finds longer words ("babouche" → "babouches") through the index.
 */
import { prefixesOf, tokenize } from './normalize.js';

export type Multilingual = Partial<Record<'ar' | 'fr' | 'en' | 'zgh', string>>;

export interface SearchableText {
  title: Multilingual;
  description?: Multilingual;
  /** Place names, community, craft and region names: matched, but below title and description. */
  labels?: string[];
}

export interface SearchIndexFields {
  searchTerms: string[];
  searchPrefixes: string[];
}

const FIELD_WEIGHT = { t: 3, d: 1.5, p: 1 } as const;
type Field = keyof typeof FIELD_WEIGHT;
/** A prefix match counts less than the whole word. */
const PREFIX_FACTOR = 0.6;
const MIN_PREFIX = 2;

const textsOf = (m?: Multilingual) => (m ? Object.values(m).filter((v): v is string => typeof v === 'string') : []);

export function buildSearchIndex(input: SearchableText): SearchIndexFields {
  const terms = new Set<string>();
  const prefixes = new Set<string>();
  const add = (field: Field, texts: string[]) => {
    for (const text of texts) {
      for (const token of tokenize(text)) {
        terms.add(`${field}:${token}`);
        for (const p of prefixesOf(token, MIN_PREFIX)) prefixes.add(p);
      }
    }
  };
  add('t', textsOf(input.title));
  add('d', textsOf(input.description));
  add('p', input.labels ?? []);
  return { searchTerms: [...terms], searchPrefixes: [...prefixes] };
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
 */
export function scoreTerms(tokens: string[], searchTerms: string[]): TextScore {
  let score = 0;
  let matched = 0;
  const fields = new Set<Field>();
  for (const token of tokens) {
    let best = 0;
    let bestField: Field | undefined;
    for (const term of searchTerms) {
      const field = term[0] as Field;
      const word = term.slice(2);
      const value = word === token ? FIELD_WEIGHT[field] : word.startsWith(token) ? FIELD_WEIGHT[field] * PREFIX_FACTOR : 0;
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
