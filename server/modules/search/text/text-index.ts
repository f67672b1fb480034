/**
 * An in-memory inverted index over the registry entries' `searchTerms` (text-rank.ts): a sorted
 * dictionary of words, each with its postings (entry ordinal and the fields it appears in). A
 * query word is looked up as a prefix range of the dictionary, so "babouche" finds
 * "babouches" without storing every prefix of every word.
 *
 * Scores are exactly those of `scoreTerms`: per query word, its best field match (title above
 * description above labels, the whole word above a prefix), plus a bonus when every word matched.
 * Every matching entry is scored, so totals and order are exact at any size.
 *
 * An update gives the entry a new ordinal and leaves the old postings dead (skipped when read);
 * the index compacts itself when dead postings outweigh live ones.
 */
import { FIELD_WEIGHT, MIN_PREFIX, PREFIX_FACTOR, type Field, type TextScore } from './text-rank.js';

/** What the index keeps of an entry besides its words: enough to filter and to suggest. */
export interface IndexedEntry {
  id: string;
  status: string;
  craft: string;
  region: string;
  protectionType: string;
  /** Publication time (ms); entries published in the future are not public yet. */
  publishedAt?: number;
  /** Title texts, for search-as-you-type completions in their written form. */
  titles: string[];
}

export interface IndexQuery<E extends IndexedEntry = IndexedEntry> {
  tokens: string[];
  /** Keeps an entry or not (statuses, craft, region, type, visibility, exclusions). */
  accept: (entry: E) => boolean;
  offset: number;
  limit: number;
}

export interface IndexHit<E extends IndexedEntry = IndexedEntry> {
  entry: E;
  score: number;
  match?: TextScore;
}

export interface IndexResult<E extends IndexedEntry = IndexedEntry> {
  hits: Array<IndexHit<E>>;
  total: number;
  more: boolean;
}

const FIELD_BITS: Record<Field, number> = { t: 1, d: 2, p: 4 };
const FIELDS = Object.keys(FIELD_BITS) as Field[];
/** A posting is ordinal * SHIFT + field bits (3 bits). */
const SHIFT = 8;

/** The best weight a word carrying `mask` fields gives a query word, and in which field. */
function bestOf(mask: number, exact: boolean): { value: number; field: Field } {
  let value = 0;
  let field: Field = 'p';
  for (const f of FIELDS) {
    if (!(mask & FIELD_BITS[f])) continue;
    const v = FIELD_WEIGHT[f] * (exact ? 1 : PREFIX_FACTOR);
    if (v > value) {
      value = v;
      field = f;
    }
  }
  return { value, field };
}

/** Id order, newest ObjectId first (ids are hex strings of equal length). */
const newerFirst = (a: IndexedEntry, b: IndexedEntry) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

export class TextIndex<E extends IndexedEntry = IndexedEntry> {
  private entries: Array<E | undefined> = [];
  private ordinalOf = new Map<string, number>();
  private wordIds = new Map<string, number>();
  private words: string[] = [];
  private postings: number[][] = [];
  /** Word ids in dictionary order; rebuilt lazily after new words arrive. */
  private sorted: number[] | undefined;
  private dead = 0;

  get size(): number {
    return this.ordinalOf.size;
  }

  has(id: string): boolean {
    return this.ordinalOf.has(id);
  }

  ids(): IterableIterator<string> {
    return this.ordinalOf.keys();
  }

  /** Adds or replaces an entry with its `searchTerms` ("t:word", "d:word", "p:word"). */
  upsert(entry: E, searchTerms: readonly string[]): void {
    this.remove(entry.id);
    const ordinal = this.entries.length;
    this.entries.push(entry);
    this.ordinalOf.set(entry.id, ordinal);
    const masks = new Map<string, number>();
    for (const term of searchTerms) {
      const bit = FIELD_BITS[term[0] as Field];
      if (!bit || term[1] !== ':') continue;
      const word = term.slice(2);
      masks.set(word, (masks.get(word) ?? 0) | bit);
    }
    for (const [word, mask] of masks) {
      let id = this.wordIds.get(word);
      if (id === undefined) {
        id = this.words.length;
        this.wordIds.set(word, id);
        this.words.push(word);
        this.postings.push([]);
        this.sorted = undefined;
      }
      this.postings[id]!.push(ordinal * SHIFT + mask);
    }
  }

  remove(id: string): void {
    const ordinal = this.ordinalOf.get(id);
    if (ordinal === undefined) return;
    this.ordinalOf.delete(id);
    this.entries[ordinal] = undefined;
    this.dead++;
    if (this.dead > 10_000 && this.dead > this.ordinalOf.size) this.compact();
  }

  clear(): void {
    this.entries = [];
    this.ordinalOf.clear();
    this.wordIds.clear();
    this.words = [];
    this.postings = [];
    this.sorted = undefined;
    this.dead = 0;
  }

  /** Renumbers live entries and drops dead postings and words nobody uses any more. */
  private compact(): void {
    const renumber = new Int32Array(this.entries.length).fill(-1);
    const entries: E[] = [];
    this.entries.forEach((e, i) => {
      if (!e) return;
      renumber[i] = entries.length;
      this.ordinalOf.set(e.id, entries.length);
      entries.push(e);
    });
    const words: string[] = [];
    const postings: number[][] = [];
    this.wordIds.clear();
    this.words.forEach((word, w) => {
      const kept: number[] = [];
      for (const p of this.postings[w]!) {
        const to = renumber[Math.floor(p / SHIFT)]!;
        if (to >= 0) kept.push(to * SHIFT + (p % SHIFT));
      }
      if (!kept.length) return;
      this.wordIds.set(word, words.length);
      words.push(word);
      postings.push(kept);
    });
    this.entries = entries;
    this.words = words;
    this.postings = postings;
    this.sorted = undefined;
    this.dead = 0;
  }

  /** Word ids whose word starts with `token` (only the word itself for one-letter tokens). */
  private wordsFor(token: string): number[] {
    if ([...token].length < MIN_PREFIX) {
      const id = this.wordIds.get(token);
      return id === undefined ? [] : [id];
    }
    this.sorted ??= [...this.words.keys()].sort((a, b) => (this.words[a]! < this.words[b]! ? -1 : 1));
    const sorted = this.sorted;
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.words[sorted[mid]!]! < token) lo = mid + 1;
      else hi = mid;
    }
    const out: number[] = [];
    for (let i = lo; i < sorted.length && this.words[sorted[i]!]!.startsWith(token); i++) out.push(sorted[i]!);
    return out;
  }

  /**
   * Ranked entries for the query words: entries holding every word, or, when none does, those
   * holding any. Without words: every accepted entry, newest first.
   */
  search(q: IndexQuery<E>): IndexResult<E> {
    const want = q.offset + q.limit;
    if (q.tokens.length === 0) return this.newest(q, want);
    const n = q.tokens.length;
    // best[i * size + ordinal]: the best weight of query word i in that entry; field alongside.
    const size = this.entries.length;
    const best = new Float64Array(size * n);
    const field = new Uint8Array(size * n);
    const touched: number[] = [];
    const seen = new Uint8Array(size);
    q.tokens.forEach((token, i) => {
      for (const w of this.wordsFor(token)) {
        const exact = this.words[w] === token;
        for (const p of this.postings[w]!) {
          const ordinal = Math.floor(p / SHIFT);
          if (!this.entries[ordinal]) continue;
          const { value, field: f } = bestOf(p % SHIFT, exact);
          const k = i * size + ordinal;
          if (value > best[k]!) {
            best[k] = value;
            field[k] = FIELD_BITS[f];
          }
          if (!seen[ordinal]) {
            seen[ordinal] = 1;
            touched.push(ordinal);
          }
        }
      }
    });
    const all: Array<IndexHit<E>> = [];
    let complete = 0;
    for (const ordinal of touched) {
      const entry = this.entries[ordinal]!;
      if (!q.accept(entry)) continue;
      let score = 0;
      let matched = 0;
      let fieldMask = 0;
      for (let i = 0; i < n; i++) {
        const v = best[i * size + ordinal]!;
        if (v > 0) {
          matched++;
          score += v;
          fieldMask |= field[i * size + ordinal]!;
        }
      }
      if (matched === n) {
        score += 10; // every word matched outranks any partial match
        complete++;
      }
      const fields = FIELDS.filter((f) => fieldMask & FIELD_BITS[f]);
      all.push({ entry, score: Math.round(score * 100) / 100, match: { score, matched, fields } });
    }
    // Entries holding every word, when there are any; otherwise partial matches.
    const ranked = complete > 0 ? all.filter((h) => h.match!.matched === n) : all;
    ranked.sort((a, b) => b.score - a.score || newerFirst(a.entry, b.entry));
    return { hits: ranked.slice(q.offset, want), total: ranked.length, more: ranked.length > want };
  }

  private newest(q: IndexQuery<E>, want: number): IndexResult<E> {
    const accepted: E[] = [];
    for (const entry of this.entries) if (entry && q.accept(entry)) accepted.push(entry);
    accepted.sort(newerFirst);
    return { hits: accepted.slice(q.offset, want).map((entry) => ({ entry, score: 0 })), total: accepted.length, more: accepted.length > want };
  }

  /**
   * Up to `limit` completions of `token` in the written form they have in titles, the most
   * frequent first, counted over at most `sample` accepted entries.
   */
  completions(token: string, fold: (word: string) => string, accept: (entry: E) => boolean, limit: number, sample = 500): string[] {
    const counts = new Map<string, number>();
    const done = new Set<number>();
    outer: for (const w of this.wordsFor(token)) {
      for (const p of this.postings[w]!) {
        if (!(p % SHIFT & FIELD_BITS.t)) continue;
        const ordinal = Math.floor(p / SHIFT);
        const entry = this.entries[ordinal];
        if (!entry || done.has(ordinal) || !accept(entry)) continue;
        done.add(ordinal);
        for (const text of entry.titles) {
          for (const word of text.split(/[^\p{L}\p{N}\p{M}]+/u)) {
            if (word && fold(word).startsWith(token)) counts.set(word, (counts.get(word) ?? 0) + 1);
          }
        }
        if (done.size >= sample) break outer;
      }
    }
    return [...counts.entries()]
      .sort((a, b) => b[1] - a[1] || a[0].length - b[0].length || a[0].localeCompare(b[0]))
      .slice(0, limit)
      .map(([word]) => word);
  }
}
