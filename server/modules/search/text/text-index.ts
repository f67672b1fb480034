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
 * Filters are checked on per-entry columns (status, craft, region and type codes, publication
 * time) rather than on entry objects, so the 50 000 entries a common word holds are filtered
 * without reading one of them.
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

/** Which entries a query keeps (every condition given must hold). */
export interface IndexFilter {
  statuses?: readonly string[];
  craft?: string;
  region?: string;
  protectionType?: string;
  /** Entry ids never returned. */
  exclude?: readonly string[];
  /** Leaves out entries published after this time (ms): designs whose publication is deferred (isUnpublished's rule, on the column). */
  publishedBy?: number;
}

export interface IndexQuery {
  tokens: string[];
  filter: IndexFilter;
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

/** BEST[exact * 8 + mask]: the best weight a word carrying `mask` fields gives a query word; BEST_FIELD: its field bit. */
const BEST = new Float64Array(16);
const BEST_FIELD = new Uint8Array(16);
for (let exact = 0; exact < 2; exact++) {
  for (let mask = 0; mask < 8; mask++) {
    for (const f of FIELDS) {
      const v = FIELD_WEIGHT[f] * (exact ? 1 : PREFIX_FACTOR);
      if (mask & FIELD_BITS[f] && v > BEST[exact * 8 + mask]!) {
        BEST[exact * 8 + mask] = v;
        BEST_FIELD[exact * 8 + mask] = FIELD_BITS[f];
      }
    }
  }
}

/**
 * The best `k` of the first `count` items, best first, without sorting them all: a bounded binary
 * heap whose root is the worst kept item.
 */
function topK(items: ArrayLike<number>, count: number, k: number, better: (a: number, b: number) => boolean): number[] {
  const heap: number[] = [];
  if (k <= 0) return heap;
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let w = i;
      if (l < heap.length && better(heap[w]!, heap[l]!)) w = l;
      if (r < heap.length && better(heap[w]!, heap[r]!)) w = r;
      if (w === i) return;
      [heap[i], heap[w]] = [heap[w]!, heap[i]!];
      i = w;
    }
  };
  for (let j = 0; j < count; j++) {
    const item = items[j]!;
    if (heap.length < k) {
      heap.push(item);
      for (let i = heap.length - 1; i > 0; ) {
        const parent = (i - 1) >> 1;
        if (!better(heap[parent]!, heap[i]!)) break;
        [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
        i = parent;
      }
    } else if (better(item, heap[0]!)) {
      heap[0] = item;
      down(0);
    }
  }
  return heap.sort((a, b) => (better(a, b) ? -1 : better(b, a) ? 1 : 0));
}

export class TextIndex<E extends IndexedEntry = IndexedEntry> {
  private entries: Array<E | undefined> = [];
  private ordinalOf = new Map<string, number>();
  private wordIds = new Map<string, number>();
  private words: string[] = [];
  private postings: number[][] = [];
  /** Word ids in dictionary order; rebuilt lazily after new words arrive. */
  private sorted: number[] | undefined;
  private dead = 0;
  /** Per ordinal: live or not, and the id as two 48-bit numbers (24-hex ids; NaN otherwise) for fast tie-breaks. */
  private alive = new Uint8Array(1024);
  private idHi = new Float64Array(1024);
  private idLo = new Float64Array(1024);
  /** Per ordinal, what filters read: codes of the status, craft, region and type (see `codes`), publication time (0: none). */
  private statusOf = new Uint16Array(1024);
  private craftOf = new Uint16Array(1024);
  private regionOf = new Uint16Array(1024);
  private typeOf = new Uint16Array(1024);
  private publishedOf = new Float64Array(1024);
  /** value → code, per filtered field (a handful of values each) */
  private codes = { status: new Map<string, number>(), craft: new Map<string, number>(), region: new Map<string, number>(), type: new Map<string, number>() };

  private code(field: keyof TextIndex['codes'], value: string): number {
    const map = this.codes[field];
    let c = map.get(value);
    if (c === undefined) map.set(value, (c = map.size));
    return c;
  }

  private place(ordinal: number, entry: E): void {
    if (ordinal >= this.alive.length) {
      const cap = Math.max(ordinal + 1, this.alive.length * 2);
      const grow = <T extends Uint8Array | Uint16Array | Float64Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(cap);
        b.set(a);
        return b;
      };
      this.alive = grow(this.alive);
      this.idHi = grow(this.idHi);
      this.idLo = grow(this.idLo);
      this.statusOf = grow(this.statusOf);
      this.craftOf = grow(this.craftOf);
      this.regionOf = grow(this.regionOf);
      this.typeOf = grow(this.typeOf);
      this.publishedOf = grow(this.publishedOf);
    }
    const id = entry.id;
    const hex = /^[0-9a-f]{24}$/.test(id);
    this.alive[ordinal] = 1;
    this.idHi[ordinal] = hex ? Number.parseInt(id.slice(0, 12), 16) : NaN;
    this.idLo[ordinal] = hex ? Number.parseInt(id.slice(12), 16) : NaN;
    this.statusOf[ordinal] = this.code('status', entry.status);
    this.craftOf[ordinal] = this.code('craft', entry.craft);
    this.regionOf[ordinal] = this.code('region', entry.region);
    this.typeOf[ordinal] = this.code('type', entry.protectionType);
    this.publishedOf[ordinal] = entry.publishedAt ?? 0;
  }

  /**
   * The filter as a test of an ordinal, on the columns alone; undefined when no entry can pass
   * (a craft, region, type or status the index has never seen).
   */
  private matcher(f: IndexFilter): ((ordinal: number) => boolean) | undefined {
    const one = (field: keyof TextIndex['codes'], value: string | undefined) => (value === undefined ? -1 : (this.codes[field].get(value) ?? -2));
    const craft = one('craft', f.craft);
    const region = one('region', f.region);
    const type = one('type', f.protectionType);
    if (craft === -2 || region === -2 || type === -2) return undefined;
    let statusOk: Uint8Array | undefined;
    if (f.statuses) {
      statusOk = new Uint8Array(this.codes.status.size);
      for (const s of f.statuses) {
        const c = this.codes.status.get(s);
        if (c !== undefined) statusOk[c] = 1;
      }
      if (!statusOk.includes(1)) return undefined;
    }
    const excluded = new Set<number>();
    for (const id of f.exclude ?? []) {
      const o = this.ordinalOf.get(id);
      if (o !== undefined) excluded.add(o);
    }
    const by = f.publishedBy ?? Infinity;
    const { statusOf, craftOf, regionOf, typeOf, publishedOf } = this;
    return (o) =>
      (statusOk === undefined || statusOk[statusOf[o]!] === 1) &&
      (craft < 0 || craftOf[o] === craft) &&
      (region < 0 || regionOf[o] === region) &&
      (type < 0 || typeOf[o] === type) &&
      publishedOf[o]! <= by &&
      (excluded.size === 0 || !excluded.has(o));
  }

  /** Whether entry `a` comes after `b` in id order (newest ObjectId first among equal scores). */
  private newer(a: number, b: number): boolean {
    const hi = this.idHi[a]! - this.idHi[b]!;
    if (hi !== 0 && !Number.isNaN(hi)) return hi > 0;
    const lo = this.idLo[a]! - this.idLo[b]!;
    if (lo !== 0 && !Number.isNaN(lo)) return lo > 0;
    return this.entries[a]!.id > this.entries[b]!.id;
  }

  get size(): number {
    return this.ordinalOf.size;
  }

  /** Adds or replaces an entry with its `searchTerms` ("t:word", "d:word", "p:word"). */
  upsert(entry: E, searchTerms: readonly string[]): void {
    this.remove(entry.id);
    const ordinal = this.entries.length;
    this.entries.push(entry);
    this.ordinalOf.set(entry.id, ordinal);
    this.place(ordinal, entry);
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
    this.alive[ordinal] = 0;
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
    this.alive.fill(0);
    for (const map of Object.values(this.codes)) map.clear();
  }

  /** Renumbers live entries and drops dead postings and words nobody uses any more. */
  private compact(): void {
    const renumber = new Int32Array(this.entries.length).fill(-1);
    const entries: E[] = [];
    this.alive.fill(0);
    this.entries.forEach((e, i) => {
      if (!e) return;
      renumber[i] = entries.length;
      this.ordinalOf.set(e.id, entries.length);
      this.place(entries.length, e);
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
   * Per-query scratch arrays, reused (a search runs synchronously, start to end): per ordinal
   * values, and lists of ordinals. Lists are typed arrays with a count, not growing JS arrays,
   * whose regrowth past some 10 000 items cost more than the search itself (7 ms to push 65 000
   * numbers, 0.1 ms to store them).
   */
  private scratch = this.makeScratch(0);

  private makeScratch(n: number) {
    return {
      size: n,
      score: new Float64Array(n),
      tokenBest: new Float64Array(n),
      tokenField: new Uint8Array(n),
      matched: new Uint8Array(n),
      fields: new Uint8Array(n),
      inToken: new Int32Array(n),
      touched: new Int32Array(n),
      accepted: new Int32Array(n),
    };
  }

  private scratchFor(size: number) {
    if (this.scratch.size < size) this.scratch = this.makeScratch(Math.max(size, Math.ceil(this.scratch.size * 1.5), 1024));
    return this.scratch;
  }

  /**
   * Ranked entries for the query words: entries holding every word, or, when none does, those
   * holding any. Without words: every accepted entry, newest first.
   */
  search(q: IndexQuery): IndexResult<E> {
    const want = q.offset + q.limit;
    const keep = this.matcher(q.filter);
    if (!keep) return { hits: [], total: 0, more: false };
    if (q.tokens.length === 0) return this.newest(keep, q.offset, want);
    const n = Math.min(q.tokens.length, 255);
    const { score, tokenBest, tokenField, matched, fields, inToken, touched, accepted } = this.scratchFor(this.entries.length);
    const alive = this.alive;
    let nTouched = 0;
    for (let i = 0; i < n; i++) {
      const token = q.tokens[i]!;
      let nIn = 0;
      for (const w of this.wordsFor(token)) {
        const exact = this.words[w] === token ? 8 : 0;
        const list = this.postings[w]!;
        for (let j = 0; j < list.length; j++) {
          const p = list[j]!;
          const ordinal = p >>> 3; // p = ordinal * SHIFT + field bits
          if (!alive[ordinal]) continue;
          const k = exact + (p & 7);
          const v = BEST[k]!;
          const before = tokenBest[ordinal]!;
          if (before === 0) inToken[nIn++] = ordinal;
          if (v > before) {
            tokenBest[ordinal] = v;
            tokenField[ordinal] = BEST_FIELD[k]!;
          }
        }
      }
      for (let j = 0; j < nIn; j++) {
        const ordinal = inToken[j]!;
        if (matched[ordinal] === 0) touched[nTouched++] = ordinal;
        matched[ordinal]!++;
        score[ordinal]! += tokenBest[ordinal]!;
        fields[ordinal]! |= tokenField[ordinal]!;
        tokenBest[ordinal] = 0;
      }
    }
    try {
      let nAccepted = 0;
      let complete = 0;
      // Latest ordinals first: they are mostly the newest ids, which win ties, so the best-k heap
      // below rejects most later entries at its root instead of replacing it.
      for (let j = nTouched - 1; j >= 0; j--) {
        const ordinal = touched[j]!;
        if (!keep(ordinal)) continue;
        accepted[nAccepted++] = ordinal;
        // The score shown, rounded as it is sorted: every word matched outranks any partial match.
        if (matched[ordinal] === n) complete++;
        score[ordinal] = Math.round((score[ordinal]! + (matched[ordinal] === n ? 10 : 0)) * 100) / 100;
      }
      // Entries holding every word, when there are any; otherwise partial matches.
      let ranked = accepted;
      let nRanked = nAccepted;
      if (complete > 0 && complete < nAccepted) {
        ranked = inToken;
        nRanked = 0;
        for (let j = 0; j < nAccepted; j++) if (matched[accepted[j]!] === n) ranked[nRanked++] = accepted[j]!;
      }
      const better = (a: number, b: number) => score[a]! > score[b]! || (score[a] === score[b] && this.newer(a, b));
      const page = topK(ranked, nRanked, want, better).slice(q.offset);
      const hits = page.map((o) => ({
        entry: this.entries[o]!,
        score: score[o]!,
        match: { score: score[o]!, matched: matched[o]!, fields: FIELDS.filter((f) => fields[o]! & FIELD_BITS[f]) },
      }));
      return { hits, total: nRanked, more: nRanked > want };
    } finally {
      for (let j = 0; j < nTouched; j++) {
        const ordinal = touched[j]!;
        score[ordinal] = 0;
        matched[ordinal] = 0;
        fields[ordinal] = 0;
      }
    }
  }

  private newest(keep: (ordinal: number) => boolean, offset: number, want: number): IndexResult<E> {
    const { accepted } = this.scratchFor(this.entries.length);
    let total = 0;
    // Latest ordinals first, for the same reason as in search.
    for (let o = this.entries.length - 1; o >= 0; o--) if (this.alive[o] && keep(o)) accepted[total++] = o;
    const page = topK(accepted, total, want, (a, b) => this.newer(a, b)).slice(offset);
    return { hits: page.map((o) => ({ entry: this.entries[o]!, score: 0 })), total, more: total > want };
  }

  /**
   * Up to `limit` completions of `token` in the written form they have in titles, the most
   * frequent first, counted over at most `sample` accepted entries.
   */
  completions(token: string, fold: (word: string) => string, filter: IndexFilter, limit: number, sample = 500): string[] {
    const keep = this.matcher(filter);
    if (!keep) return [];
    const counts = new Map<string, number>();
    const done = new Set<number>();
    outer: for (const w of this.wordsFor(token)) {
      for (const p of this.postings[w]!) {
        if (!(p % SHIFT & FIELD_BITS.t)) continue;
        const ordinal = Math.floor(p / SHIFT);
        const entry = this.entries[ordinal];
        if (!entry || done.has(ordinal) || !keep(ordinal)) continue;
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
