// In-memory photo-search index over stored ImageFeatures.
//
// Candidate retrieval never scans every record. Local: each indexed keypoint descriptor (128
// bits) is filed in TABLES hash tables under parts of its code (multi-index hashing, keys longer
// as the index grows); a query's descriptors (and their mirror-image versions) look up their
// buckets, keep the entries within a Hamming radius, and give each record they match one vote
// weighted by rarity (IDF: a corner every lozenge carpet has says little), and also into a bin
// of the rotation and scale change it implies (weak geometric consistency: the keypoints of the
// true record agree on both, chance matches spread out). Global: LSH on the
// 16x16 thumbnail's codes for every rotation/scale/keystone variant of the query, the nearest
// codes then ranked by the correlation itself. Corners: LSH on the codes of each record's corner
// windows for the whole query, the nearest ranked by the corner windows' correlation (a view of
// the motif's corner may match no keypoint). The candidates are re-ranked (geometric
// verification of their hashed matches, colour check, thumbnail correlation: image-verify.ts;
// the best also by a window anywhere in the record, for a view of a region of the motif),
// and the best of them get the fine comparison - every query keypoint against every keypoint of
// the record - which is also what exhaustive() applies to every record.
import { DESC_WORDS, FINE_THUMB, KP_BYTES, LEVEL_STEP, LUMA_THUMB, MIRROR_ANGLE, THUMB, halveThumb, type ImageFeatures, type Raster } from './image-features.js';
import { CORNER_CODES, GTABLES, GWORDS, cornerCodes, cornerPoseMap, cornerQuery, cornerScore, fineCornerScore, globalCode, globalMatch, gkey, normaliseThumb, pool, poseMap, queryBases, queryThumbs, regionScore, variantCells, type CornerMatch, type CornerQuery, type PoseMap } from './image-global.js';
import { MATCH_DIST, MatchBuf, chromaCorr, combineScore, photometric, singleHue, verify, type Match, type Verified } from './image-verify.js';

export interface QueryOptions {
  limit?: number;
  /** records re-ranked after retrieval by local votes (default 120) */
  candidates?: number;
  /** records re-ranked after retrieval by the global code (default 40) */
  globalCandidates?: number;
}

export interface ImageMatch {
  id: string;
  /** in [0, 1] */
  similarity: number;
  /** number of geometrically consistent keypoint matches */
  inliers: number;
  /** best thumbnail correlation over rotations/mirrors/scales, in [-1, 1] */
  global: number;
  /** colour agreement of the verified local match (photometric check), in [-1, 1] */
  colour?: number;
  /** thumbnail cells the colour check compared (those that fall inside the query) */
  cells?: number;
  /** hue agreement of the same cells (log-chromaticities), in [-1, 1]: tells the same drawing in another palette */
  chroma?: number;
  /** hue agreement of the whole thumbnails (the best variant of the query's), in [-1, 1] */
  globalChroma?: number | undefined;
  /** best correlation of the whole query with a corner window of the record's thumbnail (a view of its corner), in [-1, 1] */
  corner?: number;
  /** best correlation of the whole query with a window anywhere in the record's thumbnail (a view of some region of it), in [-1, 1] */
  part?: number;
  /** whether the best local match is mirrored */
  mirrored: boolean;
  /** the part of the stored image that matched (fractions), when found by local features */
  region?: { x: number; y: number; w: number; h: number };
}

/**
 * Bits of the 128-bit code used as hash keys, 8 disjoint tables of 16 bits. Chosen greedily
 * (once, offline, on 29 000 descriptors of generated motifs) to spread the entries evenly.
 */
const KEY_BIT_SETS: number[][] = [[82,118,25,111,108,96,65,75,91,115,79,68,64,120,52,78],[98,124,107,112,88,32,122,60,80,28,100,7,69,127,81,70],[36,103,50,116,114,110,104,85,56,63,20,73,74,77,97,0],[126,99,33,2,102,123,57,106,16,62,4,94,83,109,66,101],[72,119,24,105,41,113,1,54,6,58,12,117,89,55,27,21],[59,9,125,40,26,3,61,14,47,121,92,34,5,30,90,67],[93,42,48,8,53,13,31,18,87,15,35,84,29,86,17,76],[11,49,44,46,22,51,45,23,95,39,43,10,37,71,19,38]];
const TABLES = KEY_BIT_SETS.length;
/**
 * A query with one hue or none (a black-and-white photo, a sepia filter, a light that leaves a
 * single hue: image-verify.ts singleHue) has descriptors whose colour bits (their last word, bits
 * 96-127) say nothing of the motif's: its matches also count when the 96 grey bits alone are
 * within GREY_MATCH_DIST (the colour bits add at most MATCH_DIST - GREY_MATCH_DIST), and its hash
 * lookups try every value of a key's colour bits in the tables whose key holds at most
 * GREY_KEY_COLOUR_BITS of them (the others: the query's own); its hues are not compared (the tint's
 * are not the motif's). Measured: sepia views of a corner, 2 more of 9 found, first (of 60 partial
 * views, 39 -> 40 in the top 5, 27 -> 29 first; every table's colour bits enumerated: 37, more
 * chance matches); the unit test's set, sepia copies 20 -> 30 of 30 first, sepia or grey corners
 * 43 -> 51 of 60 in the top 5. Other kinds of query: unchanged (none reads as single-hued).
 */
const GREY_MATCH_DIST = 11, GREY_KEY_COLOUR_BITS = 4;
/**
 * Key length grows with the index (the tables are rebuilt when it does) so that buckets keep
 * about MEAN_BUCKET entries: the work per query stays the same at 100 000 records as at 10 000,
 * instead of every bucket growing past MAX_BUCKET and being skipped. Longer keys borrow the
 * first bits of the next table's set. Up to 22 bits: 100 000 images of 320 keypoints on average
 * (feature version 3) are 32 million entries, 8 a bucket; with 21 bits their search cost 2.06x
 * that at 10 000 images (bench/search.ts), the tables' heads and counts take 200 MB at 22.
 */
const MIN_KEY_BITS = 16, MAX_KEY_BITS = 22, MEAN_BUCKET = 8;
function keyBitsFor(nKp: number): number {
  return Math.min(MAX_KEY_BITS, Math.max(MIN_KEY_BITS, Math.ceil(Math.log2(Math.max(1, nKp) / MEAN_BUCKET))));
}
function keySetsFor(bits: number): number[][] {
  return KEY_BIT_SETS.map((set, t) => [...set, ...KEY_BIT_SETS[(t + 1) % TABLES]!.slice(0, bits - MIN_KEY_BITS)]);
}
/**
 * Per table, the key bits that a query without hues tries every value of: its colour bits (96-127,
 * the descriptor's last word) as a mask of the key, or 0 when it holds more than GREY_KEY_COLOUR_BITS.
 */
function greyMasks(sets: number[][]): number[] {
  return sets.map((set) => {
    const m = set.reduce((acc, b, i) => (b >= 96 ? acc | (1 << (set.length - 1 - i)) : acc), 0);
    return set.filter((b) => b >= 96).length <= GREY_KEY_COLOUR_BITS ? m : 0;
  });
}
/**
 * The thumbnail-code tables' keys grow the same way (12 bits up to ~10 000 records, 16 from
 * ~100 000), so that the buckets a query probes (per variant of its thumbnail: 8 tables x the
 * key and its 1-bit neighbours) hold about as many records at 100 000 as at 10 000.
 */
const MIN_GKEY_BITS = 12, MAX_GKEY_BITS = 16, G_MEAN_BUCKET = 2;
function gkeyBitsFor(records: number): number {
  return Math.min(MAX_GKEY_BITS, Math.max(MIN_GKEY_BITS, Math.round(Math.log2(Math.max(1, records) / G_MEAN_BUCKET))));
}
/**
 * Hash tables of 128-bit thumbnail codes (LSH for the correlation, image-global.ts): GTABLES
 * tables keyed by the first bits of each one's slice of the code, as linked lists in typed
 * arrays; `per` codes a record (entry e is record e / per's), keys lengthened as entries come
 * (gkeyBitsFor) so that the buckets a probe visits stay small.
 */
class CodeTables {
  private codes = new Uint32Array(GWORDS * 256);
  private n = 0;
  private bits = MIN_GKEY_BITS;
  private heads: Int32Array[] = Array.from({ length: GTABLES }, () => new Int32Array(1 << MIN_GKEY_BITS).fill(-1));
  private nexts: Int32Array[] = Array.from({ length: GTABLES }, () => new Int32Array(256));
  constructor(private readonly per: number) {}

  /** The codes of the next record (`per` of them). */
  add(codes: Uint32Array[]): void {
    for (const code of codes) {
      if ((this.n + 1) * GWORDS > this.codes.length) {
        const g = new Uint32Array(this.codes.length * 2);
        g.set(this.codes);
        this.codes = g;
        this.nexts = this.nexts.map((nx) => { const a = new Int32Array(g.length / GWORDS); a.set(nx); return a; });
      }
      this.codes.set(code, this.n * GWORDS);
      this.n++;
      const bits = gkeyBitsFor(this.n);
      if (bits > this.bits) {
        this.bits = bits;
        this.heads = Array.from({ length: GTABLES }, () => new Int32Array(1 << bits).fill(-1));
        for (let e = 0; e < this.n; e++) this.insert(e);
      } else this.insert(this.n - 1);
    }
  }

  /** Record `slot`'s j-th code. */
  code(slot: number, j = 0): Uint32Array {
    const e = slot * this.per + j;
    return this.codes.subarray(e * GWORDS, (e + 1) * GWORDS);
  }

  private insert(e: number): void {
    const code = this.codes.subarray(e * GWORDS, (e + 1) * GWORDS);
    for (let t = 0; t < GTABLES; t++) {
      const key = gkey(code, t, this.bits);
      this.nexts[t]![e] = this.heads[t]![key]!;
      this.heads[t]![key] = e;
    }
  }

  /**
   * The records with a code in the buckets of `code` (its key in each table and the keys one bit
   * away), each with its smallest Hamming distance to the codes probed into `best` so far.
   */
  neighbours(code: Uint32Array, best: Map<number, number>): void {
    const C = this.codes;
    for (let tb = 0; tb < GTABLES; tb++) {
      const key = gkey(code, tb, this.bits), heads = this.heads[tb]!, nx = this.nexts[tb]!;
      for (let probe = -1; probe < this.bits; probe++) {
        const k2 = probe < 0 ? key : key ^ (1 << probe);
        for (let e = heads[k2]!; e >= 0; e = nx[e]!) {
          const o = e * GWORDS, sl = this.per === 1 ? e : Math.floor(e / this.per);
          const d = popcnt(code[0]! ^ C[o]!) + popcnt(code[1]! ^ C[o + 1]!) + popcnt(code[2]! ^ C[o + 2]!) + popcnt(code[3]! ^ C[o + 3]!);
          const prev = best.get(sl);
          if (prev === undefined || d < prev) best.set(sl, d);
        }
      }
    }
  }
}

/** Buckets with more entries than this are too common to say anything (stop words); bounds the work per query. */
const MAX_BUCKET = 200;
/** Records verified densely after the first re-ranking: the best DENSE_TOP, and the DENSE_VOTES best by consistent local votes. */
const DENSE_TOP = 10;
const DENSE_VOTES = 4;
/**
 * Query expansion: the EXPAND_EACH records whose thumbnails look most like each of the EXPAND_TOP
 * best after the first ranking (nearest thumbnail codes, through the same global tables) are
 * compared too. A view of a rosette's corner shows an arc and two petal tips: no corner the
 * keypoints can match, no resemblance to the whole thumbnail, so neither retrieval path brings
 * the original in; but its siblings of the same family and palette come in by chance votes and
 * their corner windows, and the original looks like them. Measured on 60 partial views (3 020
 * motifs, C = 48): 41 -> 45 in the top 5; the other kinds unchanged; about 100 records more to
 * compare (+10-20% time a query).
 */
const EXPAND_TOP = 10, EXPAND_EACH = 10;
/**
 * Corner retrieval: the CORNER_PRESELECT records with a corner-window code nearest the query's
 * (cornerCodes: CORNER_CODES a record), and of those the CORNER_CANDIDATES best by the corner
 * windows' correlation, are candidates too. A view of a rosette's corner shows an arc and two
 * petal tips: no keypoint to match, no resemblance to the whole thumbnail; found so or not at all.
 * Measured on 60 partial views among 3 020 motifs (with the 64x64 corner windows): 46 -> 48 in
 * the top 5 (the 20 held-out bench views 15 -> 16); 200 preselected or 40 candidates: the same;
 * the other kinds of query unchanged. About 20 corner-window comparisons more a query.
 */
const CORNER_PRESELECT = 100, CORNER_CANDIDATES = 20;
/** Records whose thumbnail code is nearest the query's, compared by correlation to pick the global candidates. */
const GLOBAL_PRESELECT = 200;
/** A query keypoint matching IDF_K records gives each of them one vote; matching more, less. */
const IDF_K = 16;
/** Candidates taken first by their best rotation-and-scale bin of votes (the rest of the `candidates` by all their votes). */
const WGC_CANDIDATES = 60;
/** Guided matching (fine comparison): from this thumbnail correlation on, within this share of the motif's side of where the pose puts a keypoint (up to MATCH_DIST). */
const GUIDE_MIN = 0.45, GUIDE_R = 0.08;
/**
 * The records compared by a window anywhere (regionScore, 1-2.5 ms each): the best of the first
 * ranking (and of the fine one). On 140 partial views among 3 020 motifs, re-scored offline
 * (~226 candidates a query): the same hits from the best 100 as from all of them (the best 60:
 * 2 fewer in the top 5). In the search: 118 in the top 5 (all candidates: 120, ~60 ms more).
 */
const REGION_TOP = 100;
/**
 * A first ranking whose best reaches this similarity found the query as a whole, or its part
 * without them: the windows anywhere are not compared (they cost 130-320 ms a query). Measured
 * on 140 partial views among 3 020 motifs and 20 of each other kind: from 0.7, 117 partial
 * views in the top 5 (118 from 0.8, 118 always) and the other kinds' cost back to within 5-40
 * ms a query of what it was without the windows anywhere (from 0.8: 25-120 ms more).
 */
const WHOLE_MATCH = 0.7;

/** Guided matching from a corner-window match (a view of the motif's corner) from this correlation on. */
const GUIDE_CORNER_MIN = 0.6;

// ------------------------------------------------------------------------------------------
// Decoding stored features

export interface DecodedFeatures {
  w: number;
  h: number;
  n: number;
  /** x, y (working pixels), scale (level factor), angle (radians) per keypoint */
  geom: Float32Array;
  desc: Uint32Array; // n * DESC_WORDS
  mdesc?: Uint32Array;
  /** THUMB x THUMB RGB thumbnail */
  thumb: Uint8Array;
  /** FINE_THUMB x FINE_THUMB RGB thumbnail (features of version 4 on): the corner windows' */
  fine?: Uint8Array;
  /** LUMA_THUMB x LUMA_THUMB luminance (features of version 5 on): the finest corner windows' */
  luma?: Uint8Array;
  /** query side: QTHUMB x QTHUMB miniature */
  mini?: Uint8Array;
  /** query side: normalised thumbnails of the 8 dihedral transforms x scales x small angles */
  qthumbs?: Float32Array[];
  /** query side: the working raster (photometric check) */
  raster?: Raster;
}

function b64(s: string | Uint8Array): Buffer {
  return typeof s === 'string' ? Buffer.from(s, 'base64') : Buffer.from(s.buffer, s.byteOffset, s.byteLength);
}

export function decodeFeatures(f: ImageFeatures): DecodedFeatures {
  const k = b64(f.k), n = Math.floor(k.length / KP_BYTES);
  const geom = new Float32Array(n * 4), desc = new Uint32Array(n * DESC_WORDS);
  for (let i = 0; i < n; i++) {
    const o = i * KP_BYTES;
    geom[4 * i] = (k.readUInt16LE(o) / 65535) * f.w;
    geom[4 * i + 1] = (k.readUInt16LE(o + 2) / 65535) * f.h;
    geom[4 * i + 2] = LEVEL_STEP ** k.readUInt8(o + 4);
    geom[4 * i + 3] = (k.readUInt8(o + 5) / 256) * 2 * Math.PI;
    for (let j = 0; j < DESC_WORDS; j++) desc[i * DESC_WORDS + j] = k.readUInt32LE(o + 6 + 4 * j);
  }
  const g = new Uint8Array(b64(f.g)), fine = g.length === FINE_THUMB * FINE_THUMB * 3;
  const out: DecodedFeatures = { w: f.w, h: f.h, n, geom, desc, thumb: fine ? halveThumb(g, FINE_THUMB) : g, ...(fine ? { fine: g } : {}) };
  const y = f.y !== undefined ? new Uint8Array(b64(f.y)) : undefined;
  if (fine && y?.length === LUMA_THUMB * LUMA_THUMB) out.luma = y;
  if (f.m) {
    const m = b64(f.m), md = new Uint32Array(n * DESC_WORDS);
    for (let i = 0; i < n * DESC_WORDS; i++) md[i] = m.readUInt32LE(4 * i);
    out.mdesc = md;
  }
  if (f.t) out.mini = new Uint8Array(b64(f.t));
  if (f.raster) out.raster = f.raster;
  return out;
}

// ------------------------------------------------------------------------------------------
// Hamming

/**
 * The k items with the largest key, largest first; equal keys in the order given (what a stable
 * sort and a slice give, without sorting the tens of thousands of records a query touches).
 */
export function topK(items: number[], key: (x: number) => number, k: number): number[] {
  if (k <= 0) return [];
  // a min-heap of positions in `items`, worst (smallest key, then latest) on top
  const heap: number[] = [], keys: number[] = [];
  const worse = (a: number, b: number) => keys[a]! < keys[b]! || (keys[a] === keys[b] && heap[a]! > heap[b]!);
  const swap = (a: number, b: number) => { [heap[a], heap[b]] = [heap[b]!, heap[a]!]; [keys[a], keys[b]] = [keys[b]!, keys[a]!]; };
  for (let i = 0; i < items.length; i++) {
    const kv = key(items[i]!);
    if (heap.length === k) {
      if (kv <= keys[0]!) continue; // not better than the worst kept (equal: that one came first)
      heap[0] = i; keys[0] = kv;
      for (let j = 0; ;) {
        const l = 2 * j + 1, r = l + 1;
        let m = j;
        if (l < k && worse(l, m)) m = l;
        if (r < k && worse(r, m)) m = r;
        if (m === j) break;
        swap(j, m); j = m;
      }
    } else {
      heap.push(i); keys.push(kv);
      for (let j = heap.length - 1; j > 0;) {
        const p = (j - 1) >> 1;
        if (!worse(j, p)) break;
        swap(j, p); j = p;
      }
    }
  }
  const order = heap.map((pos, j) => ({ pos, kv: keys[j]! })).sort((a, b) => b.kv - a.kv || a.pos - b.pos);
  return order.map((o) => items[o.pos]!);
}

function popcnt(v: number): number {
  v -= (v >>> 1) & 0x55555555;
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Hamming distance of a query descriptor (its words d0-d3) to the stored one at kd[ko], the colour word (the last) counting at most `cap`. */
function descDist(kd: Uint32Array, ko: number, d0: number, d1: number, d2: number, d3: number, cap: number): number {
  return popcnt(d0 ^ kd[ko]!) + popcnt(d1 ^ kd[ko + 1]!) + popcnt(d2 ^ kd[ko + 2]!) + Math.min(cap, popcnt(d3 ^ kd[ko + 3]!));
}

function keyOf(desc: Uint32Array, o: number, bits: number[]): number {
  let k = 0;
  for (let i = 0; i < bits.length; i++) { const b = bits[i]!; k = (k << 1) | ((desc[o + (b >> 5)]! >>> (b & 31)) & 1); }
  return k;
}

// ------------------------------------------------------------------------------------------
// Weak geometric consistency of the votes: each vote also goes to a bin of (record, mirrored,
// rotation in 30° steps, level difference) - soft, into the 2 nearest rotation bins and 2
// adjacent level differences - and a record's consistent votes are its best bin. The bins live
// in a reused open-addressing table (keys: slot * 1024 + mirrored * 512 + angle bin * 32 + level
// bin, within an int32 below 2 million slots: at 20 KB an image, far more than one process holds),
// grown when half full.

const WGC_A_BINS = 12, WGC_A_W = (2 * Math.PI) / WGC_A_BINS;
let wBits = 17;
let wKeys = new Int32Array(1 << wBits), wVals = new Float32Array(1 << wBits), wStamp = new Uint32Array(1 << wBits), wUsed = new Int32Array(1 << wBits);
let wGen = 0, wN = 0;

function wgcAdd(key: number, v: number): void {
  if (wN * 2 > 1 << wBits) {
    const keys = wKeys, vals = wVals, used = wUsed, n = wN;
    wBits++;
    wKeys = new Int32Array(1 << wBits); wVals = new Float32Array(1 << wBits); wStamp = new Uint32Array(1 << wBits); wUsed = new Int32Array(1 << wBits);
    wGen++; wN = 0;
    for (let u = 0; u < n; u++) wgcAdd(keys[used[u]!]!, vals[used[u]!]!);
  }
  let i = Math.imul(key ^ (key >>> 16), 0x9e3779b1) >>> (32 - wBits);
  for (;;) {
    if (wStamp[i] !== wGen) { wStamp[i] = wGen; wKeys[i] = key; wVals[i] = v; wUsed[wN++] = i; return; }
    if (wKeys[i] === key) { wVals[i]! += v; return; }
    i = (i + 1) & ((1 << wBits) - 1);
  }
}

// ------------------------------------------------------------------------------------------


interface Slot { id: string; alive: boolean; kpStart: number; n: number; w: number; h: number; thumb: Uint8Array; fine?: Uint8Array | undefined; luma?: Uint8Array | undefined }

export class ImageIndex {
  private slots: Slot[] = [];
  private byId = new Map<string, number>();
  private kpDesc = new Uint32Array(1024 * DESC_WORDS);
  /** per keypoint: x, y (fractions of 65535, as stored), level << 8 | angle byte: 6 bytes, not 16 */
  private kpGeom = new Uint16Array(1024 * 3);
  private kpSlot = new Int32Array(1024);
  private nKp = 0;
  private stamp = new Uint32Array(1024);
  private stampGen = 0;
  private votes = new Float32Array(256);
  private slotStamp = new Uint32Array(256);
  private slotBest = new Float32Array(256);
  private slotBestK = new Int32Array(256);
  private wgcBest = new Float32Array(256);
  // hash tables as linked lists in typed arrays: head[t][key] -> newest entry, next[t][entry]
  private keyBits = MIN_KEY_BITS;
  private keySets = keySetsFor(MIN_KEY_BITS);
  private greyMask = greyMasks(this.keySets);
  private heads: Int32Array[] = Array.from({ length: TABLES }, () => new Int32Array(1 << MIN_KEY_BITS).fill(-1));
  private counts: Uint16Array[] = Array.from({ length: TABLES }, () => new Uint16Array(1 << MIN_KEY_BITS));
  private nexts: Int32Array[] = Array.from({ length: TABLES }, () => new Int32Array(1024));
  private dead = 0;
  /** each record's thumbnail code */
  private global = new CodeTables(1);
  /** the codes of each record's corner windows (cornerCodes) */
  private cornerCodes = new CodeTables(CORNER_CODES);

  get size(): number { return this.byId.size; }

  has(id: string): boolean { return this.byId.has(id); }

  add(id: string, features: ImageFeatures | DecodedFeatures): void {
    if (this.byId.has(id)) this.remove(id);
    const f = 'k' in features ? decodeFeatures(features) : features;
    const start = this.nKp;
    this.ensureKp(this.nKp + f.n);
    this.kpDesc.set(f.desc.subarray(0, f.n * DESC_WORDS), start * DESC_WORDS);
    for (let i = 0; i < f.n; i++) {
      const g = f.geom, o = (start + i) * 3;
      let a = Math.round((g[4 * i + 3]! / (2 * Math.PI)) * 256) % 256;
      if (a < 0) a += 256;
      const level = Math.max(0, Math.min(255, Math.round(Math.log(g[4 * i + 2]!) / Math.log(LEVEL_STEP))));
      this.kpGeom[o] = Math.max(0, Math.min(65535, Math.round((g[4 * i]! / f.w) * 65535)));
      this.kpGeom[o + 1] = Math.max(0, Math.min(65535, Math.round((g[4 * i + 1]! / f.h) * 65535)));
      this.kpGeom[o + 2] = (level << 8) | a;
    }
    const slot = this.slots.length;
    for (let i = 0; i < f.n; i++) this.kpSlot[start + i] = slot;
    this.nKp += f.n;
    const bits = keyBitsFor(this.nKp);
    if (bits > this.keyBits) this.rehash(bits);
    else for (let k = start; k < this.nKp; k++) this.insertKp(k);
    this.slots.push({ id, alive: true, kpStart: start, n: f.n, w: f.w, h: f.h, thumb: f.thumb, fine: f.fine, luma: f.luma });
    this.global.add([globalCode(pool(normaliseThumb(f.thumb)))]);
    this.cornerCodes.add(cornerCodes(f.fine ?? f.thumb, f.fine ? FINE_THUMB : THUMB));
    this.byId.set(id, slot);
  }

  private insertKp(k: number): void {
    for (let t = 0; t < TABLES; t++) {
      const key = keyOf(this.kpDesc, k * DESC_WORDS, this.keySets[t]!);
      this.nexts[t]![k] = this.heads[t]![key]!;
      this.heads[t]![key] = k;
      if (this.counts[t]![key]! < 65535) this.counts[t]![key]!++; // saturates: only compared with MAX_BUCKET
    }
  }

  /** Longer keys: rebuild the tables (each doubling of the index at most once). */
  private rehash(bits: number): void {
    this.keyBits = bits;
    this.keySets = keySetsFor(bits);
    this.greyMask = greyMasks(this.keySets);
    this.heads = Array.from({ length: TABLES }, () => new Int32Array(1 << bits).fill(-1));
    this.counts = Array.from({ length: TABLES }, () => new Uint16Array(1 << bits));
    for (let k = 0; k < this.nKp; k++) this.insertKp(k);
  }

  remove(id: string): boolean {
    const slot = this.byId.get(id);
    if (slot === undefined) return false;
    this.slots[slot]!.alive = false;
    this.byId.delete(id);
    this.dead += this.slots[slot]!.n;
    if (this.dead > 4096 && this.dead > this.nKp / 3) this.compact();
    return true;
  }

  /** Rebuild without removed records. */
  compact(): void {
    const live = this.slots.filter((s) => s.alive).map((s) => ({ s, f: this.slotFeatures(s) }));
    const fresh = new ImageIndex();
    for (const { s, f } of live) fresh.add(s.id, f);
    Object.assign(this, fresh);
  }

  private slotFeatures(s: Slot): DecodedFeatures {
    return {
      w: s.w, h: s.h, n: s.n,
      geom: this.geomOf(s),
      desc: this.kpDesc.slice(s.kpStart * DESC_WORDS, (s.kpStart + s.n) * DESC_WORDS),
      thumb: s.thumb,
      ...(s.fine ? { fine: s.fine } : {}),
      ...(s.luma ? { luma: s.luma } : {}),
    };
  }

  /** A record's keypoint geometry as decodeFeatures gives it (same arithmetic, same values). */
  private geomOf(s: Slot): Float32Array {
    const out = new Float32Array(s.n * 4), G = this.kpGeom;
    for (let i = 0; i < s.n; i++) {
      const o = (s.kpStart + i) * 3;
      out[4 * i] = (G[o]! / 65535) * s.w;
      out[4 * i + 1] = (G[o + 1]! / 65535) * s.h;
      out[4 * i + 2] = LEVEL_STEP ** (G[o + 2]! >> 8);
      out[4 * i + 3] = ((G[o + 2]! & 255) / 256) * 2 * Math.PI;
    }
    return out;
  }

  private ensureKp(n: number): void {
    if (n <= this.kpSlot.length) return;
    let cap = this.kpSlot.length;
    // 1.5x, not 2x: at 100 000 images the keypoint arrays hold 2 GB, and doubling past it would reserve as much again.
    while (cap < n) cap = Math.ceil(cap * 1.5);
    const d = new Uint32Array(cap * DESC_WORDS); d.set(this.kpDesc); this.kpDesc = d;
    const g = new Uint16Array(cap * 3); g.set(this.kpGeom); this.kpGeom = g;
    const s = new Int32Array(cap); s.set(this.kpSlot); this.kpSlot = s;
    const st = new Uint32Array(cap); st.set(this.stamp); this.stamp = st;
    this.nexts = this.nexts.map((nx) => { const a = new Int32Array(cap); a.set(nx); return a; });
  }

  query(features: ImageFeatures | DecodedFeatures, opts: QueryOptions = {}): ImageMatch[] {
    const q = prepareQuery(features);
    const limit = opts.limit ?? 10, C = opts.candidates ?? 120;
    // 1. retrieval: hash lookups, Hamming check, votes per record
    const sets = q.mdesc ? [q.desc, q.mdesc] : [q.desc];
    const matches = sets.map(() => new MatchBuf());
    if (this.votes.length < 2 * this.slots.length) this.votes = new Float32Array(this.slots.length * 4);
    const votes = this.votes, voted: number[] = [];
    // Each query keypoint gives each record it matches one vote (its best match there), worth
    // less the more records it matches: a corner every lozenge carpet has says little (IDF).
    if (this.slotStamp.length < this.slots.length) {
      const n = this.slots.length * 2;
      this.slotStamp = new Uint32Array(n); this.slotBest = new Float32Array(n); this.slotBestK = new Int32Array(n); this.wgcBest = new Float32Array(n);
    }
    const slotStamp = this.slotStamp, slotBest = this.slotBest, slotBestK = this.slotBestK, touched: number[] = [];
    const { cap } = q;
    wGen++; wN = 0;
    for (let si = 0; si < sets.length; si++) {
      const D = sets[si]!;
      for (let i = 0; i < q.n; i++) {
        const o = i * DESC_WORDS;
        const g = ++this.stampGen;
        const d0 = D[o]!, d1 = D[o + 1]!, d2 = D[o + 2]!, d3 = D[o + 3]!;
        touched.length = 0;
        for (let t = 0; t < TABLES; t++) {
          // a query without hues: every value of the key's colour bits (in tables whose key holds few)
          const cm = q.grey ? this.greyMask[t]! : 0;
          const key0 = keyOf(D, o, this.keySets[t]!) & ~cm;
          for (let sub = cm; ; sub = (sub - 1) & cm) {
            const key = key0 | sub;
            if (this.counts[t]![key]! <= MAX_BUCKET) {
              const nx = this.nexts[t]!;
              for (let k = this.heads[t]![key]!; k >= 0; k = nx[k]!) {
                if (this.stamp[k] === g) continue;
                this.stamp[k] = g;
                const dist = descDist(this.kpDesc, k * DESC_WORDS, d0, d1, d2, d3, cap);
                if (dist > MATCH_DIST) continue;
                const slot = this.kpSlot[k]!;
                if (!this.slots[slot]!.alive) continue;
                matches[si]!.push(i, k, dist);
                const w = 1 - dist / (MATCH_DIST + 8);
                if (slotStamp[slot] !== g) { slotStamp[slot] = g; slotBest[slot] = w; slotBestK[slot] = k; touched.push(slot); }
                else if (w > slotBest[slot]!) { slotBest[slot] = w; slotBestK[slot] = k; }
              }
            }
            if (sub === 0) break;
          }
        }
        if (touched.length === 0) continue;
        const idf = Math.log2(1 + IDF_K / touched.length);
        const qg = si === 0 ? q.geom : q.mgeom!, qa = qg[4 * i + 3]!, ql = Math.round(Math.log(qg[4 * i + 2]!) / Math.log(LEVEL_STEP));
        for (const slot of touched) {
          if (votes[2 * slot] === 0 && votes[2 * slot + 1] === 0) voted.push(slot);
          const v = slotBest[slot]! * idf;
          votes[2 * slot + si]! += v;
          // the same vote into its rotation-and-scale bins (level << 8 | angle byte of the stored keypoint)
          const kg = this.kpGeom[slotBestK[slot]! * 3 + 2]!;
          let dphi = (qa - ((kg & 255) / 256) * 2 * Math.PI) % (2 * Math.PI);
          if (dphi < 0) dphi += 2 * Math.PI;
          const fa = dphi / WGC_A_W - 0.5, a0 = Math.floor(fa), lb = (ql - (kg >> 8) + 16) & 31, base = slot * 1024 + si * 512;
          for (let da = 0; da < 2; da++) {
            const a = (a0 + da + WGC_A_BINS) % WGC_A_BINS;
            wgcAdd(base + a * 32 + lb, v);
            wgcAdd(base + a * 32 + ((lb + 1) & 31), v);
          }
        }
      }
    }
    // candidates: the best by consistent votes, then the best by all votes
    const wgc = this.wgcBest;
    for (let u = 0; u < wN; u++) {
      const i = wUsed[u]!, slot = Math.floor(wKeys[i]! / 1024);
      if (wVals[i]! > wgc[slot]!) wgc[slot] = wVals[i]!;
    }
    const cands = topK(voted, (sl) => wgc[sl]!, Math.min(C, WGC_CANDIDATES));
    const inCands = new Set(cands);
    // a record is seen either as it is or in the mirror: its votes are the better of the two
    for (const sl of voted) votes[2 * sl] = Math.max(votes[2 * sl]!, votes[2 * sl + 1]!);
    for (const sl of topK(voted, (s) => votes[2 * s]!, C)) {
      if (cands.length >= C) break;
      if (!inCands.has(sl)) { cands.push(sl); inCands.add(sl); }
    }
    for (const sl of voted) { votes[2 * sl] = 0; votes[2 * sl + 1] = 0; wgc[sl] = 0; }
    // 2. global retrieval: LSH on the thumbnail codes of every query variant
    const gbest = new Map<number, number>(), codes = q.pooled.map(globalCode);
    for (const v of q.probes) this.global.neighbours(codes[v]!, gbest);
    // the nearest codes, then the best of those by the thumbnail correlation itself
    const have = inCands;
    const near = [...gbest.entries()].filter(([sl]) => this.slots[sl]!.alive).sort((a, b) => a[1] - b[1]).slice(0, GLOBAL_PRESELECT);
    const byCorr = near.map(([sl]) => ({ sl, g: this.thumbScore(q, sl) })).sort((a, b) => b.g - a.g);
    for (const { sl } of byCorr.slice(0, opts.globalCandidates ?? 40)) {
      if (!have.has(sl)) { cands.push(sl); have.add(sl); }
    }
    // 2b. a view of the motif's corner: LSH on the codes of the records' corner windows (the whole
    //     query, as sampled, in its 8 rotations/mirrors), the nearest then by the corner windows' correlation
    if (q.corners) {
      const cbest = new Map<number, number>();
      for (let d = 0; d < 8; d++) this.cornerCodes.neighbours(codes[d]!, cbest);
      const nearC = [...cbest.entries()].filter(([sl]) => this.slots[sl]!.alive && !have.has(sl)).sort((a, b) => a[1] - b[1]).slice(0, CORNER_PRESELECT);
      const byCorner = nearC.map(([sl]) => ({ sl, c: this.cornerOf(q, sl)!.score })).sort((a, b) => b.c - a.c);
      for (const { sl } of byCorner.slice(0, CORNER_CANDIDATES)) { cands.push(sl); have.add(sl); }
    }
    let first = this.rerank(q, cands, matches, cands.length);
    // 2c. the look-alikes of the best so far (query expansion): see EXPAND_TOP
    const extra: number[] = [];
    for (const h of first.slice(0, EXPAND_TOP)) {
      for (const sl of this.lookAlikes(this.byId.get(h.id)!, EXPAND_EACH)) if (!have.has(sl)) { have.add(sl); extra.push(sl); }
    }
    if (extra.length) first = [...first, ...this.rerank(q, extra, matches, extra.length)].sort(bySimilarity);
    first = this.withParts(q, first);
    // 3. the fine comparison (dense matching, see fine()) of the best after this first ranking
    //    and the best by local votes; they come first, by their fine similarity
    const dense = new Set<number>();
    for (const h of first.slice(0, DENSE_TOP)) dense.add(this.byId.get(h.id)!);
    for (const sl of cands.slice(0, DENSE_VOTES)) dense.add(sl);
    const refined = this.withParts(q, this.fine(q, [...dense], dense.size));
    const rr = [...refined, ...first.filter((h) => !dense.has(this.byId.get(h.id)!))].slice(0, limit);
    return rr;
  }

  /** The `m` live records whose thumbnail code is nearest a stored record's (its look-alikes), nearest first. */
  private lookAlikes(slot: number, m: number): number[] {
    const best = new Map<number, number>();
    this.global.neighbours(this.global.code(slot), best);
    best.delete(slot);
    return [...best.entries()].filter(([sl]) => this.slots[sl]!.alive).sort((a, b) => a[1] - b[1]).slice(0, m).map(([sl]) => sl);
  }

  /** All matches within MATCH_DIST between the query's descriptors D and one record (best 2 per query keypoint). */
  private denseMatches(q: PreparedQuery, D: Uint32Array, slot: number, out: MatchBuf): void {
    const s = this.slots[slot]!;
    const kd = this.kpDesc, { cap } = q;
    for (let i = 0; i < q.n; i++) {
      const o = i * DESC_WORDS, d0 = D[o]!, d1 = D[o + 1]!, d2 = D[o + 2]!, d3 = D[o + 3]!;
      let b1 = MATCH_DIST + 1, k1 = -1, b2 = MATCH_DIST + 1, k2 = -1;
      for (let k = s.kpStart, e = s.kpStart + s.n; k < e; k++) {
        const dist = descDist(kd, k * DESC_WORDS, d0, d1, d2, d3, cap);
        if (dist < b1) { b2 = b1; k2 = k1; b1 = dist; k1 = k; } else if (dist < b2) { b2 = dist; k2 = k; }
      }
      if (k1 >= 0) out.push(i, k1, b1);
      if (k2 >= 0) out.push(i, k2, b2);
    }
  }

  /** Re-rank the given records (slots) with the finer comparison. */
  private rerank(q: PreparedQuery, cands: number[], matches: MatchBuf[], limit: number, guide = false): ImageMatch[] {
    const pos = new Map<number, number>();
    cands.forEach((s, i) => pos.set(s, i));
    const per: Match[][][] = matches.map(() => cands.map(() => []));
    matches.forEach((mb, si) => {
      for (let j = 0; j < mb.n; j++) {
        const c = pos.get(this.kpSlot[mb.k[j]!]!);
        if (c !== undefined) per[si]![c]!.push({ q: mb.q[j]!, k: mb.k[j]!, d: mb.d[j]! });
      }
    });
    const out: ImageMatch[] = [];
    cands.forEach((slot, ci) => {
      const s = this.slots[slot]!;
      let bestV: Verified = { inliers: 0 }, mirrored = false;
      const kg = per.some((bySlot) => bySlot[ci]!.length >= 3) ? this.geomOf(s) : new Float32Array(0);
      per.forEach((bySlot, si) => {
        const v = verify(bySlot[ci]!, si === 0 ? q.geom : q.mgeom!, kg, s.kpStart, s.w, s.h);
        if (v.inliers > bestV.inliers) { bestV = v; mirrored = si === 1; }
      });
      const poses = guide ? this.poses(q, slot) : [];
      const gk = poses.length && !kg.length ? this.geomOf(s) : kg;
      for (const pm of poses) {
        const gm = this.guided(q, slot, gk, pm);
        if (gm.inliers > bestV.inliers) { bestV = gm; mirrored = pm.mirrored; }
      }
      const global = this.thumbScore(q, slot);
      const corner = this.cornerOf(q, slot)?.score, globalChroma = this.thumbChroma(q, slot);
      const r = bestV.region;
      const pm = bestV.T && bestV.inliers >= 3 && q.raster ? photometric(q.raster, bestV.T, mirrored, s.thumb, s.w, s.h) : undefined;
      if (pm && q.grey) delete pm.chroma; // the query's hue is not the motif's: no hue evidence either way
      out.push({
        id: s.id, similarity: combineScore(bestV.inliers, global, pm?.corr, corner, pm?.chroma, globalChroma), globalChroma, inliers: bestV.inliers, global, mirrored,
        ...(corner !== undefined ? { corner } : {}),
        ...(pm ? { colour: pm.corr, cells: pm.cells, ...(pm.chroma !== undefined ? { chroma: pm.chroma } : {}) } : {}),
        ...(r ? { region: { x: r.x0 / s.w, y: r.y0 / s.h, w: (r.x1 - r.x0) / s.w, h: (r.y1 - r.y0) / s.h } } : {}),
      });
    });
    out.sort(bySimilarity);
    return out.slice(0, limit);
  }

  /**
   * The best REGION_TOP of a ranking also by their best window anywhere (a view of some region of
   * the motif), ranked again; not when the query's first ranking has a record matching it as a
   * whole (WHOLE_MATCH): such a query is no view of a part.
   */
  private withParts(q: PreparedQuery, hits: ImageMatch[]): ImageMatch[] {
    q.whole ??= (hits[0]?.similarity ?? 0) >= WHOLE_MATCH;
    if (q.whole) return hits;
    for (const h of hits.slice(0, REGION_TOP)) {
      const part = this.regionOf(q, this.byId.get(h.id)!)?.score;
      if (part === undefined) continue;
      h.part = part;
      h.similarity = combineScore(h.inliers, h.global, h.colour, h.corner, h.chroma, h.globalChroma, part);
    }
    return hits.sort(bySimilarity);
  }

  /** Brute force: every record is matched and re-ranked (for recall comparisons). */
  exhaustive(features: ImageFeatures | DecodedFeatures, opts: QueryOptions = {}): ImageMatch[] {
    const q = prepareQuery(features), limit = opts.limit ?? 10;
    const all: number[] = [];
    this.slots.forEach((s, i) => { if (s.alive) all.push(i); });
    let best: ImageMatch[] = [];
    const keep = Math.max(limit, REGION_TOP);
    for (let i = 0; i < all.length; i += 256) {
      best = [...best, ...this.fine(q, all.slice(i, i + 256), keep)].sort(bySimilarity).slice(0, keep);
    }
    return this.withParts(q, best).slice(0, limit);
  }

  /** The corner-window correlation of a record with the query, once per query (the first ranking and the fine comparison both use it). */
  private cornerOf(q: PreparedQuery, slot: number): CornerMatch | undefined {
    if (!q.corners) return undefined;
    let c = q.cornerScores.get(slot);
    if (c === undefined) {
      const s = this.slots[slot]!;
      const { coarse, fine, finest } = q.corners;
      q.cornerScores.set(slot, (c = s.fine ? fineCornerScore(coarse, s.thumb, fine, s.fine, s.luma && { cq: finest, luma: s.luma }) : cornerScore(coarse, s.thumb)));
    }
    return c;
  }

  /** The best window anywhere in a record (regionScore), once per query. */
  private regionOf(q: PreparedQuery, slot: number): CornerMatch | undefined {
    if (!q.corners) return undefined;
    let c = q.regionScores.get(slot);
    if (c === undefined) {
      const s = this.slots[slot]!;
      if (!s.fine) return undefined;
      const { fine, finest } = q.corners;
      // the 16x16 views in luminance, built on first use (a grey query's coarse ones are those)
      const scan = (q.corners.scan ??= q.grey ? q.corners.coarse : cornerQuery(q.mini!, q.w / q.h, THUMB, true));
      q.regionScores.set(slot, (c = regionScore(scan, s.thumb, fine, s.fine, s.luma && { cq: finest, luma: s.luma })));
    }
    return c;
  }

  /** The thumbnail correlation of a record with the query, once per query (both rankings and retrieval use it). */
  private thumbScore(q: PreparedQuery, slot: number): number {
    return this.thumbMatch(q, slot).score;
  }

  private thumbMatch(q: PreparedQuery, slot: number): { score: number; variant: number; chroma?: number | undefined } {
    let g = q.thumbScores.get(slot);
    if (g === undefined) q.thumbScores.set(slot, (g = globalMatch(q, normaliseThumb(this.slots[slot]!.thumb))));
    return g;
  }

  /** The hue agreement of the record's thumbnail with the query's best variant (chromaCorr), once per query. */
  private thumbChroma(q: PreparedQuery, slot: number): number | undefined {
    const g = this.thumbMatch(q, slot);
    if (!('chroma' in g)) g.chroma = q.bases && !q.grey ? chromaCorr(variantCells(q.bases, g.variant), this.slots[slot]!.thumb, THUMB * THUMB) : undefined;
    return g.chroma;
  }

  /**
   * The alignments of a record with the query that can guide the matching (guided): the
   * thumbnails' best, when they say the whole query shows the record (from GUIDE_MIN), and the
   * best corner window's, when the query looks like a view of the record's corner.
   */
  private poses(q: PreparedQuery, slot: number): PoseMap[] {
    const s = this.slots[slot]!, out: PoseMap[] = [];
    const { score, variant } = this.thumbMatch(q, slot);
    const pm = score >= GUIDE_MIN && q.bases ? poseMap(variant, q.mini !== undefined, s.w, s.h, q.w, q.h) : undefined;
    if (pm) out.push(pm);
    const cm = this.cornerOf(q, slot);
    if (cm && cm.score >= GUIDE_CORNER_MIN) out.push(cornerPoseMap(cm, s.w, s.h, q.w, q.h));
    return out.filter((p) => (p.mirrored ? q.mdesc : q.desc) !== undefined);
  }

  /**
   * Guided matching: the alignment `pm` tells each query keypoint where to look in the record,
   * and it is matched with the closest descriptor there (and of a like scale) instead of
   * anywhere: on a carpet of identical crosses each corner has dozens of look-alikes, and the
   * nearest descriptor anywhere is rarely the right one. Returns the verification of those matches.
   */
  private guided(q: PreparedQuery, slot: number, kg: Float32Array, pm: PoseMap): Verified {
    const s = this.slots[slot]!;
    const D = (pm.mirrored ? q.mdesc : q.desc)!, qg = (pm.mirrored ? q.mgeom : q.geom)!;
    const px = new Float32Array(s.n), py = new Float32Array(s.n), pl = new Float32Array(s.n);
    for (let k = 0; k < s.n; k++) { [px[k], py[k]] = pm.map(kg[4 * k]!, kg[4 * k + 1]!); pl[k] = Math.log2(kg[4 * k + 2]!); }
    const R = GUIDE_R * pm.scale * pm.extent, R2 = R * R, kd = this.kpDesc, matches: Match[] = [], { cap } = q;
    for (let i = 0; i < q.n; i++) {
      const x = qg[4 * i]!, y = qg[4 * i + 1]!, ls = Math.log2(qg[4 * i + 2]! / pm.scale);
      const o = i * DESC_WORDS, d0 = D[o]!, d1 = D[o + 1]!, d2 = D[o + 2]!, d3 = D[o + 3]!;
      let best = MATCH_DIST + 1, bk = -1;
      for (let k = 0; k < s.n; k++) {
        const dx = px[k]! - x, dy = py[k]! - y;
        if (dx * dx + dy * dy > R2 || Math.abs(ls - pl[k]!) > 1) continue;
        const dist = descDist(kd, (s.kpStart + k) * DESC_WORDS, d0, d1, d2, d3, cap);
        if (dist < best) { best = dist; bk = k; }
      }
      if (bk >= 0) matches.push({ q: i, k: s.kpStart + bk, d: best });
    }
    return verify(matches, qg, kg, s.kpStart, s.w, s.h);
  }

  /**
   * The fine comparison of the query with the given records: every query keypoint (and its
   * mirror) against every keypoint of the record (no hashing losses; best 2 per query keypoint),
   * geometric verification, colour check, thumbnail correlation. What the indexed path applies
   * to its best candidates and exhaustive() to every record, so that the two agree whenever the
   * index retrieves the record the exhaustive comparison ranks first.
   */
  private fine(q: PreparedQuery, slots: number[], limit: number): ImageMatch[] {
    const dm = (q.mdesc ? [q.desc, q.mdesc] : [q.desc]).map((D) => {
      const buf = new MatchBuf();
      for (const sl of slots) this.denseMatches(q, D, sl, buf);
      return buf;
    });
    return this.rerank(q, slots, dm, limit, true);
  }
}

const bySimilarity = (a: ImageMatch, b: ImageMatch) => b.similarity - a.similarity || b.inliers - a.inliers || b.global - a.global;

interface PreparedQuery extends DecodedFeatures {
  qthumbs: Float32Array[];
  pooled: Float32Array[];
  /** the variants whose codes probe the global tables (the LSH tolerates small angles) */
  probes: number[];
  mgeom?: Float32Array;
  /** slot -> thumbnail correlation and its best variant, filled as records are compared (thumbMatch) */
  thumbScores: Map<number, { score: number; variant: number; chroma?: number | undefined }>;
  /** the query's thumbnails as sampled, per pose (queryBases; not when the thumbnails came with the query): their poses guide matching, their hues are compared */
  bases?: Float32Array[];
  /** slot -> corner-window correlation, filled the same way (cornerOf) */
  cornerScores: Map<number, CornerMatch>;
  /** slot -> best window anywhere (regionOf) */
  regionScores: Map<number, CornerMatch>;
  /** set by the first ranking: some record matches the query as a whole (no window anywhere is compared) */
  whole?: boolean;
  /** the query's views for the corner-window comparison (when it has a miniature), for 64x64, 32x32 and 16x16 stored thumbnails; `scan`: 16x16 in luminance, for the scan of every position (regionScore; built by regionOf) */
  corners?: { finest: CornerQuery; fine: CornerQuery; coarse: CornerQuery; scan?: CornerQuery };
  /** the query has one hue or none (singleHue): its descriptors' colour bits count for little (cap), its hues are not compared */
  grey: boolean;
  /** the most the descriptors' colour bits (their last word) add to a distance */
  cap: number;
}

function prepareQuery(features: ImageFeatures | DecodedFeatures): PreparedQuery {
  const f = 'k' in features ? decodeFeatures(features) : features;
  const bases = f.qthumbs ? undefined : queryBases(f), qthumbs = f.qthumbs ?? queryThumbs(bases!);
  let mgeom: Float32Array | undefined;
  if (f.mdesc) {
    mgeom = new Float32Array(f.geom);
    for (let i = 0; i < f.n; i++) {
      mgeom[4 * i] = f.w - f.geom[4 * i]!;
      mgeom[4 * i + 3] = MIRROR_ANGLE - f.geom[4 * i + 3]!;
    }
  }
  const probes = qthumbs.map((_, i) => i);
  const grey = singleHue(f.mini ?? f.thumb);
  return { ...f, grey, cap: grey ? MATCH_DIST - GREY_MATCH_DIST : 32, qthumbs, ...(bases ? { bases } : {}), pooled: qthumbs.map(pool), probes, thumbScores: new Map(), cornerScores: new Map(), regionScores: new Map(), ...(mgeom ? { mgeom } : {}), ...(f.mini ? { corners: { finest: cornerQuery(f.mini, f.w / f.h, LUMA_THUMB, grey), fine: cornerQuery(f.mini, f.w / f.h, FINE_THUMB, grey), coarse: cornerQuery(f.mini, f.w / f.h, THUMB, grey) } } : {}) };
}

/**
 * Exhaustive search over stored features (no index): every record is compared with the query
 * with the same fine comparison as the index's re-ranking. For recall comparisons and tests.
 */
export function exhaustiveSearch(records: Iterable<{ id: string; features: ImageFeatures }>, query: ImageFeatures, opts: QueryOptions = {}): ImageMatch[] {
  const idx = new ImageIndex();
  for (const r of records) idx.add(r.id, r.features);
  return idx.exhaustive(query, opts);
}

