// In-memory photo-search index over stored ImageFeatures.
//
// Candidate retrieval never scans every record: each indexed keypoint descriptor (128 bits) is
// filed in TABLES hash tables under 16-bit parts of its code (multi-index hashing); a query's
// descriptors (and their mirror-image versions) look up their buckets, keep the entries within
// a Hamming radius and vote for the records they belong to. The best-voted records are then
// re-ranked by a finer comparison: geometric verification of the keypoint matches (one-point
// similarity hypotheses from position/scale/angle, refined by an affine fit: the number of
// consistent matches), combined with the correlation of the 16x16 colour thumbnails over the 8
// rotations/mirrors and several scales.
import {
  DESC_WORDS, KP_BYTES, LEVEL_STEP, PATCH_R, QTHUMB, THUMB, type ImageFeatures,
} from './image-features.js';

export interface QueryOptions {
  limit?: number;
  /** records re-ranked after retrieval by local votes (default 48) */
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
 * Key length grows with the index (the tables are rebuilt when it does) so that buckets keep
 * about MEAN_BUCKET entries: the work per query stays the same at 100 000 records as at 10 000,
 * instead of every bucket growing past MAX_BUCKET and being skipped. Longer keys borrow the
 * first bits of the next table's set.
 */
const MIN_KEY_BITS = 16, MAX_KEY_BITS = 21, MEAN_BUCKET = 8;
function keyBitsFor(nKp: number): number {
  return Math.min(MAX_KEY_BITS, Math.max(MIN_KEY_BITS, Math.ceil(Math.log2(Math.max(1, nKp) / MEAN_BUCKET))));
}
function keySetsFor(bits: number): number[][] {
  return KEY_BIT_SETS.map((set, t) => [...set, ...KEY_BIT_SETS[(t + 1) % TABLES]!.slice(0, bits - MIN_KEY_BITS)]);
}
const MATCH_DIST = 14; // of 128 bits
/** Buckets with more entries than this are too common to say anything (stop words); bounds the work per query. */
const MAX_BUCKET = 200;
/** Records verified densely after the first re-ranking: the best DENSE_TOP, and the DENSE_VOTES best by local votes. */
const DENSE_TOP = 6;
const DENSE_VOTES = 4;

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
  thumb: Uint8Array;
  /** query side: QTHUMB x QTHUMB miniature */
  mini?: Uint8Array;
  /** query side: normalised thumbnails of the 8 dihedral transforms x scales x small angles */
  qthumbs?: Float32Array[];
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
  const out: DecodedFeatures = { w: f.w, h: f.h, n, geom, desc, thumb: new Uint8Array(b64(f.g)) };
  if (f.m) {
    const m = b64(f.m), md = new Uint32Array(n * DESC_WORDS);
    for (let i = 0; i < n * DESC_WORDS; i++) md[i] = m.readUInt32LE(4 * i);
    out.mdesc = md;
  }
  if (f.t) out.mini = new Uint8Array(b64(f.t));
  return out;
}

// ------------------------------------------------------------------------------------------
// Thumbnails

const DIHEDRAL: Int16Array[] = (() => {
  const maps: Int16Array[] = [];
  for (let t = 0; t < 8; t++) {
    const m = new Int16Array(THUMB * THUMB);
    for (let y = 0; y < THUMB; y++) for (let x = 0; x < THUMB; x++) {
      let u = x, v = y;
      for (let r = 0; r < t % 4; r++) { const nu = THUMB - 1 - v; v = u; u = nu; }
      if (t >= 4) u = THUMB - 1 - u;
      m[y * THUMB + x] = v * THUMB + u;
    }
    maps.push(m);
  }
  return maps;
})();

/** Per-channel zero-mean unit-norm thumbnail (so warm light and exposure cancel out). */
export function normaliseThumb(t: Uint8Array | Float32Array): Float32Array {
  const n = THUMB * THUMB, out = new Float32Array(n * 3);
  for (let c = 0; c < 3; c++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += t[i * 3 + c]!;
    mean /= n;
    let ss = 0;
    for (let i = 0; i < n; i++) { const d = t[i * 3 + c]! - mean; out[i * 3 + c] = d; ss += d * d; }
    const inv = 1 / Math.sqrt(ss + 1e-3 + n * 4); // a floor so flat channels do not amplify noise
    for (let i = 0; i < n; i++) out[i * 3 + c]! *= inv;
  }
  return out;
}

/** Resample a centred square `frac` of a 16x16 thumbnail back to 16x16 (bilinear). */
function centreScale(t: Uint8Array, frac: number): Float32Array {
  const out = new Float32Array(THUMB * THUMB * 3);
  for (let y = 0; y < THUMB; y++) for (let x = 0; x < THUMB; x++) {
    const u = (THUMB - 1) / 2 + (x - (THUMB - 1) / 2) * frac, v = (THUMB - 1) / 2 + (y - (THUMB - 1) / 2) * frac;
    const x0 = Math.floor(u), y0 = Math.floor(v), fx = u - x0, fy = v - y0;
    const x1 = Math.min(THUMB - 1, x0 + 1), y1 = Math.min(THUMB - 1, y0 + 1);
    for (let c = 0; c < 3; c++) {
      out[(y * THUMB + x) * 3 + c] =
        (t[(y0 * THUMB + x0) * 3 + c]! * (1 - fx) + t[(y0 * THUMB + x1) * 3 + c]! * fx) * (1 - fy) +
        (t[(y1 * THUMB + x0) * 3 + c]! * (1 - fx) + t[(y1 * THUMB + x1) * 3 + c]! * fx) * fy;
    }
  }
  return out;
}

const QUERY_SCALES = [1, 0.9, 0.8, 0.7];
const QUERY_ANGLES = [0, -6, 6, -12, 12];
const QUERY_KEYSTONES = [-0.3, -0.15, 0.15, 0.3];

/**
 * Sample a square of side `frac` (of the smaller side), rotated by `deg`, from the miniature;
 * `keystone` (k, axis) samples a trapezoid instead, undoing a photo taken at a slant.
 */
function sampleMini(mini: Uint8Array, frac: number, deg: number, keystone?: [number, 0 | 1]): Float32Array {
  const n = QTHUMB, out = new Float32Array(THUMB * THUMB * 3);
  const a = (deg * Math.PI) / 180, c = Math.cos(a), s = Math.sin(a), half = ((n - 1) / 2) * frac;
  for (let y = 0; y < THUMB; y++) for (let x = 0; x < THUMB; x++) {
    let u = (((x + 0.5) / THUMB) * 2 - 1) * half, v = (((y + 0.5) / THUMB) * 2 - 1) * half;
    if (keystone) {
      const [k, axis] = keystone;
      if (axis === 0) u *= (1 + (k * v) / half) / (1 + Math.abs(k));
      else v *= (1 + (k * u) / half) / (1 + Math.abs(k));
    }
    const px = (n - 1) / 2 + c * u - s * v, py = (n - 1) / 2 + s * u + c * v;
    // 3x3 supersampling: an area average like the stored thumbnail's
    const cell = (2 * half) / THUMB / 3;
    for (let sy = -1; sy <= 1; sy++) for (let sx = -1; sx <= 1; sx++) {
      let qx = px + c * sx * cell - s * sy * cell, qy = py + s * sx * cell + c * sy * cell;
      qx = Math.max(0, Math.min(n - 1.001, qx)); qy = Math.max(0, Math.min(n - 1.001, qy));
      const x0 = qx | 0, y0 = qy | 0, fx = qx - x0, fy = qy - y0, o = (y0 * n + x0) * 3;
      for (let ch = 0; ch < 3; ch++) {
        out[(y * THUMB + x) * 3 + ch]! += ((mini[o + ch]! * (1 - fx) + mini[o + 3 + ch]! * fx) * (1 - fy) + (mini[o + n * 3 + ch]! * (1 - fx) + mini[o + n * 3 + 3 + ch]! * fx) * fy) / 9;
      }
    }
  }
  return out;
}

function queryThumbs(f: DecodedFeatures): Float32Array[] {
  const bases: Float32Array[] = [];
  if (f.mini) {
    for (const sc of QUERY_SCALES) for (const a of QUERY_ANGLES) bases.push(normaliseThumb(sampleMini(f.mini, sc, a)));
    for (const sc of [1, 0.85]) for (const k of QUERY_KEYSTONES) for (const axis of [0, 1] as const) bases.push(normaliseThumb(sampleMini(f.mini, sc, 0, [k, axis])));
  } else {
    for (const sc of [1, 0.9, 0.8]) bases.push(normaliseThumb(sc === 1 ? f.thumb : centreScale(f.thumb, sc)));
  }
  const out: Float32Array[] = [];
  for (const base of bases) {
    for (const m of DIHEDRAL) {
      const t = new Float32Array(THUMB * THUMB * 3);
      for (let i = 0; i < THUMB * THUMB; i++) { const j = m[i]!; t[i * 3] = base[j * 3]!; t[i * 3 + 1] = base[j * 3 + 1]!; t[i * 3 + 2] = base[j * 3 + 2]!; }
      out.push(t);
    }
  }
  return out;
}

// Global retrieval: 96-bit sign-of-random-projection codes of the normalised thumbnail pooled
// to 8x8 (an LSH for the correlation, which low frequencies dominate), 8 tables of 12 bits,
// probed with the exact key and its 1-bit neighbours.
const GBITS = 96, GTABLES = 8, GKEY = 12, PSIDE = THUMB / 2, PDIM = PSIDE * PSIDE * 3;
const PROJ: Float32Array = (() => {
  let s = 0x2545f491 >>> 0;
  const rnd = () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return (s + 0.5) / 4294967296; };
  const p = new Float32Array(GBITS * PDIM);
  for (let i = 0; i < p.length; i++) p[i] = Math.sqrt(-2 * Math.log(rnd())) * Math.cos(2 * Math.PI * rnd());
  return p;
})();
/** 2x2 average pooling of a normalised 16x16x3 thumbnail (x2 so the norm stays ~1). */
function pool(t: Float32Array): Float32Array {
  const out = new Float32Array(PDIM);
  for (let y = 0; y < THUMB; y++) for (let x = 0; x < THUMB; x++) {
    const o = ((y >> 1) * PSIDE + (x >> 1)) * 3, i = (y * THUMB + x) * 3;
    out[o]! += t[i]! * 0.5; out[o + 1]! += t[i + 1]! * 0.5; out[o + 2]! += t[i + 2]! * 0.5;
  }
  return out;
}
function globalCode(p: Float32Array): Uint32Array {
  const out = new Uint32Array(GBITS / 32);
  for (let b = 0; b < GBITS; b++) {
    let s = 0;
    const o = b * PDIM;
    for (let i = 0; i < PDIM; i++) s += PROJ[o + i]! * p[i]!;
    if (s > 0) out[b >> 5]! |= 1 << (b & 31);
  }
  return out;
}
function gkey(code: Uint32Array, t: number): number {
  const bit = t * GKEY; // 12-bit slices, never straddling words (32 is not a multiple of 12: handle)
  let k = 0;
  for (let i = 0; i < GKEY; i++) { const b = bit + i; k = (k << 1) | ((code[b >> 5]! >>> (b & 31)) & 1); }
  return k;
}

const GLOBAL_EXACT = 4;
/** Best correlation over the query variants: ranked on the pooled thumbnails, exact on the best few. */
function globalScore(q: PreparedQuery, stored: Float32Array): number {
  const sp = pool(stored), n = q.pooled.length, approx = new Float32Array(n);
  for (let v = 0; v < n; v++) {
    const t = q.pooled[v]!;
    let s = 0;
    for (let i = 0; i < PDIM; i++) s += t[i]! * sp[i]!;
    approx[v] = s;
  }
  const order: number[] = [];
  for (let v = 0; v < n; v++) {
    if (order.length === GLOBAL_EXACT && approx[v]! <= approx[order[GLOBAL_EXACT - 1]!]!) continue;
    let i = Math.min(order.length, GLOBAL_EXACT - 1);
    while (i > 0 && approx[order[i - 1]!]! < approx[v]!) { order[i] = order[i - 1]!; i--; }
    order[i] = v;
  }
  let best = -1;
  for (const v of order) {
    const t = q.qthumbs[v]!;
    let s = 0;
    for (let i = 0; i < t.length; i++) s += t[i]! * stored[i]!;
    if (s > best) best = s;
  }
  return best / 3;
}

// ------------------------------------------------------------------------------------------
// Hamming

function popcnt(v: number): number {
  v -= (v >>> 1) & 0x55555555;
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

function keyOf(desc: Uint32Array, o: number, bits: number[]): number {
  let k = 0;
  for (let i = 0; i < bits.length; i++) { const b = bits[i]!; k = (k << 1) | ((desc[o + (b >> 5)]! >>> (b & 31)) & 1); }
  return k;
}

// ------------------------------------------------------------------------------------------
// Geometric verification

interface Match { q: number; k: number; d: number }

/** Growable (query keypoint, stored keypoint, distance) triples: no object per raw match. */
class MatchBuf {
  q = new Int32Array(1024);
  k = new Int32Array(1024);
  d = new Uint8Array(1024);
  n = 0;
  push(q: number, k: number, d: number): void {
    if (this.n === this.q.length) {
      const grow = <T extends Int32Array | Uint8Array>(a: T): T => { const b = new (a.constructor as new (n: number) => T)(a.length * 2); b.set(a); return b; };
      this.q = grow(this.q); this.k = grow(this.k); this.d = grow(this.d);
    }
    this.q[this.n] = q; this.k[this.n] = k; this.d[this.n] = d; this.n++;
  }
}

// Hough clustering of the one-match similarity hypotheses: angle bins of 30°, scale bins of one
// level (log2 / 2), and where the stored image's centre lands in bins of a quarter of its size.
// Each match votes for the 2 nearest bins per dimension (16 bins), in a reused open-addressing
// table, so the hypotheses cost O(matches) instead of O(matches²).
const HB = 1 << 15; // > 2 x 16 votes x 600 matches
const hKeys = new Int32Array(HB), hCounts = new Float32Array(HB), hStamp = new Uint32Array(HB), hUsed = new Int32Array(HB);
let hGen = 0, hN = 0;
const A_BINS = 12, A_W = (2 * Math.PI) / A_BINS;
const HOUGH_TOP = 4;

function houghAdd(key: number, w: number): void {
  let i = (Math.imul(key, 0x9e3779b1) >>> 19) & (HB - 1);
  for (;;) {
    if (hStamp[i] !== hGen) { hStamp[i] = hGen; hKeys[i] = key; hCounts[i] = w; hUsed[hN++] = i; return; }
    if (hKeys[i] === key) { hCounts[i]! += w; return; }
    i = (i + 1) & (HB - 1);
  }
}

interface Verified { inliers: number; region?: { x0: number; y0: number; x1: number; y1: number } }

function verify(matches: Match[], qg: Float32Array, kg: Float32Array, kOff: number, kw: number, kh: number): Verified {
  matches.sort((a, b) => a.d - b.d);
  if (matches.length > 400) matches.length = 400;
  const M = matches.length;
  if (M < 3) return { inliers: Math.min(M, 1) };
  const cx = kw / 2, cy = kh / 2, span = Math.max(kw, kh);
  // per match: angle, log2 scale, predicted centre (query pixels), continuous bin coordinates
  const par = new Float32Array(M * 4), bin = new Float32Array(M * 4);
  hGen++; hN = 0;
  for (let j = 0; j < M; j++) {
    const m = matches[j]!, qi = m.q * 4, ki = (m.k - kOff) * 4;
    let phi = (qg[qi + 3]! - kg[ki + 3]!) % (2 * Math.PI);
    if (phi < 0) phi += 2 * Math.PI;
    const ls = Math.log2(qg[qi + 2]! / kg[ki + 2]!), sig = 2 ** ls, c = Math.cos(phi) * sig, s = Math.sin(phi) * sig;
    const px = qg[qi]! + c * (cx - kg[ki]!) - s * (cy - kg[ki + 1]!), py = qg[qi + 1]! + s * (cx - kg[ki]!) + c * (cy - kg[ki + 1]!);
    par[4 * j] = phi; par[4 * j + 1] = ls; par[4 * j + 2] = px; par[4 * j + 3] = py;
    const pw = 0.25 * sig * span;
    const fa = phi / A_W - 0.5, fs = ls * 2 - 0.5, fx = px / pw - 0.5, fy = py / pw - 0.5;
    bin[4 * j] = fa; bin[4 * j + 1] = fs; bin[4 * j + 2] = fx; bin[4 * j + 3] = fy;
    const a0 = Math.floor(fa), s0 = Math.floor(fs), x0 = Math.floor(fx), y0 = Math.floor(fy);
    const w = 1 - m.d / (MATCH_DIST + 8);
    for (let da = 0; da < 2; da++) for (let ds = 0; ds < 2; ds++) for (let dx = 0; dx < 2; dx++) for (let dy = 0; dy < 2; dy++) {
      const a = (a0 + da + A_BINS) % A_BINS;
      houghAdd((((a * 64 + ((s0 + ds + 32) & 63)) * 1024 + ((x0 + dx + 512) & 1023)) * 1024 + ((y0 + dy + 512) & 1023)) | 0, w);
    }
  }
  // the best bins (distinct keys), strongest first
  const top: { key: number; n: number }[] = [];
  for (let u = 0; u < hN; u++) {
    const i = hUsed[u]!;
    if (hCounts[i]! < 2.5) continue;
    const n = hCounts[i]!;
    if (top.length < HOUGH_TOP || n > top[top.length - 1]!.n) {
      top.push({ key: hKeys[i]!, n });
      top.sort((a, b) => b.n - a.n);
      if (top.length > HOUGH_TOP) top.length = HOUGH_TOP;
    }
  }
  let best = 0, bestSet: number[] = [];
  const usedQ = new Set<number>(), usedK = new Set<number>();
  for (const { key } of top) {
    const yb = key & 1023, xb = (key >>> 10) & 1023, sb = (key >>> 20) & 63, ab = Math.floor(key / (1 << 26));
    // members: matches whose 2x2x2x2 neighbourhood contains the bin; the hypothesis is their median
    const angs: number[] = [], lss: number[] = [], pxs: number[] = [], pys: number[] = [];
    let ref = -1;
    for (let j = 0; j < M; j++) {
      const a0 = Math.floor(bin[4 * j]!), s0 = Math.floor(bin[4 * j + 1]!) + 32, x0 = Math.floor(bin[4 * j + 2]!) + 512, y0 = Math.floor(bin[4 * j + 3]!) + 512;
      const da = (ab - a0 + A_BINS) % A_BINS;
      if (da > 1 || ((sb - s0) & 63) > 1 || ((xb - x0) & 1023) > 1 || ((yb - y0) & 1023) > 1) continue;
      if (ref < 0) ref = j;
      let a = par[4 * j]! - par[4 * ref]!;
      if (a > Math.PI) a -= 2 * Math.PI; else if (a < -Math.PI) a += 2 * Math.PI;
      angs.push(a); lss.push(par[4 * j + 1]!); pxs.push(par[4 * j + 2]!); pys.push(par[4 * j + 3]!);
    }
    if (angs.length < 2) continue;
    const med = (xs: number[]) => { xs.sort((a, b) => a - b); return xs[xs.length >> 1]!; };
    const phi = par[4 * ref]! + med(angs), ls = med(lss), sig = 2 ** ls, pcx = med(pxs), pcy = med(pys);
    const c = Math.cos(phi) * sig, s = Math.sin(phi) * sig;
    const tx = pcx - (c * cx - s * cy), ty = pcy - (s * cx + c * cy);
    usedQ.clear(); usedK.clear();
    const set: number[] = [];
    for (let j = 0; j < M; j++) {
      const mj = matches[j]!, qj = mj.q * 4, kj = (mj.k - kOff) * 4;
      if (usedQ.has(mj.q) || usedK.has(mj.k)) continue;
      if (Math.abs(par[4 * j + 1]! - ls) > 0.8) continue;
      let da = Math.abs(par[4 * j]! - phi) % (2 * Math.PI);
      if (da > Math.PI) da = 2 * Math.PI - da;
      if (da > 0.6) continue;
      const px = c * kg[kj]! - s * kg[kj + 1]! + tx, py = s * kg[kj]! + c * kg[kj + 1]! + ty;
      // tolerance: the corner's size plus a share of the distance from the centre (perspective)
      const ex = px - qg[qj]!, ey = py - qg[qj + 1]!;
      const tol = 0.5 * PATCH_R * qg[qj + 2]! + 0.1 * sig * Math.hypot(kg[kj]! - cx, kg[kj + 1]! - cy);
      if (ex * ex + ey * ey > tol * tol) continue;
      usedQ.add(mj.q); usedK.add(mj.k);
      set.push(j);
    }
    if (set.length > best) { best = set.length; bestSet = set; }
  }
  if (best < 3) return { inliers: best };
  // refine: least-squares affine on the inliers, recount with a tighter, perspective-tolerant test
  let inl = bestSet;
  for (let it = 0; it < 2; it++) {
    const A = fitAffine(inl.map((j) => matches[j]!), qg, kg, kOff);
    if (!A) break;
    const set: number[] = [];
    const uq = new Set<number>(), uk = new Set<number>();
    for (let j = 0; j < M; j++) {
      const mj = matches[j]!, qj = mj.q * 4, kj = (mj.k - kOff) * 4;
      if (uq.has(mj.q) || uk.has(mj.k)) continue;
      const px = A[0] * kg[kj]! + A[1] * kg[kj + 1]! + A[2], py = A[3] * kg[kj]! + A[4] * kg[kj + 1]! + A[5];
      const ex = px - qg[qj]!, ey = py - qg[qj + 1]!, tol = 0.4 * PATCH_R * qg[qj + 2]!;
      if (ex * ex + ey * ey > tol * tol) continue;
      // scale consistency with the affine's local scale
      const det = Math.sqrt(Math.abs(A[0] * A[4] - A[1] * A[3]));
      if (Math.abs(Math.log2(qg[qj + 2]! / kg[kj + 2]! / det)) > 0.9) continue;
      uq.add(mj.q); uk.add(mj.k);
      set.push(j);
    }
    if (set.length < 3) break;
    inl = set;
  }
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const j of inl) {
    const kj = (matches[j]!.k - kOff) * 4;
    x0 = Math.min(x0, kg[kj]!); y0 = Math.min(y0, kg[kj + 1]!); x1 = Math.max(x1, kg[kj]!); y1 = Math.max(y1, kg[kj + 1]!);
  }
  return { inliers: Math.max(inl.length, best >= 3 ? Math.min(best, inl.length + 2) : 0), region: { x0, y0, x1, y1 } };
}

function fitAffine(ms: Match[], qg: Float32Array, kg: Float32Array, kOff: number): [number, number, number, number, number, number] | null {
  if (ms.length < 3) return null;
  // normal equations for [a b c] with rows (x, y, 1) -> u and -> v
  let sxx = 0, sxy = 0, sx = 0, syy = 0, sy = 0, n = 0, sxu = 0, syu = 0, su = 0, sxv = 0, syv = 0, sv = 0;
  for (const m of ms) {
    const x = kg[(m.k - kOff) * 4]!, y = kg[(m.k - kOff) * 4 + 1]!, u = qg[m.q * 4]!, v = qg[m.q * 4 + 1]!;
    sxx += x * x; sxy += x * y; sx += x; syy += y * y; sy += y; n++;
    sxu += x * u; syu += y * u; su += u; sxv += x * v; syv += y * v; sv += v;
  }
  const M = [[sxx, sxy, sx], [sxy, syy, sy], [sx, sy, n]];
  const det = M[0]![0]! * (M[1]![1]! * M[2]![2]! - M[1]![2]! * M[2]![1]!) - M[0]![1]! * (M[1]![0]! * M[2]![2]! - M[1]![2]! * M[2]![0]!) + M[0]![2]! * (M[1]![0]! * M[2]![1]! - M[1]![1]! * M[2]![0]!);
  if (Math.abs(det) < 1e-6) return null;
  const solve = (b: number[]) => {
    const r: number[] = [];
    for (let c = 0; c < 3; c++) {
      const Mc = M.map((row, i) => row.map((v, j) => (j === c ? b[i]! : v)));
      r.push((Mc[0]![0]! * (Mc[1]![1]! * Mc[2]![2]! - Mc[1]![2]! * Mc[2]![1]!) - Mc[0]![1]! * (Mc[1]![0]! * Mc[2]![2]! - Mc[1]![2]! * Mc[2]![0]!) + Mc[0]![2]! * (Mc[1]![0]! * Mc[2]![1]! - Mc[1]![1]! * Mc[2]![0]!)) / det);
    }
    return r;
  };
  const a = solve([sxu, syu, su]), b = solve([sxv, syv, sv]);
  return [a[0]!, a[1]!, a[2]!, b[0]!, b[1]!, b[2]!];
}

// ------------------------------------------------------------------------------------------
// Scoring

/** Map the evidence to a similarity in [0, 1]: 0 for unrelated images, near 1 for copies. */
export function combineScore(inliers: number, global: number): number {
  // Two independent kinds of evidence, combined like probabilities (noisy-or), so that either
  // one alone can rank a record first: a partial view or a motif small in a scene has a dozen
  // verified keypoints and no global resemblance; a tilted, slanted photo has some of both.
  // Unrelated images reach ~0.3 of thumbnail correlation and 1-2 chance inliers: those are 0.
  const local = inliers <= 2 ? 0 : 1 - Math.exp(-(inliers - 2) / 20);
  const glob = Math.max(0, Math.min(1, (global - 0.3) / 0.7));
  return 1 - (1 - local) * (1 - glob);
}

// ------------------------------------------------------------------------------------------


interface Slot { id: string; alive: boolean; kpStart: number; n: number; w: number; h: number; thumb: Uint8Array }

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
  // hash tables as linked lists in typed arrays: head[t][key] -> newest entry, next[t][entry]
  private keyBits = MIN_KEY_BITS;
  private keySets = keySetsFor(MIN_KEY_BITS);
  private heads: Int32Array[] = Array.from({ length: TABLES }, () => new Int32Array(1 << MIN_KEY_BITS).fill(-1));
  private counts: Uint16Array[] = Array.from({ length: TABLES }, () => new Uint16Array(1 << MIN_KEY_BITS));
  private nexts: Int32Array[] = Array.from({ length: TABLES }, () => new Int32Array(1024));
  private dead = 0;
  private gcodes = new Uint32Array(3 * 256);
  private gheads: Int32Array[] = Array.from({ length: GTABLES }, () => new Int32Array(1 << GKEY).fill(-1));
  private gnexts: Int32Array[] = Array.from({ length: GTABLES }, () => new Int32Array(256));

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
    this.slots.push({ id, alive: true, kpStart: start, n: f.n, w: f.w, h: f.h, thumb: f.thumb });
    // global code
    const code = globalCode(pool(normaliseThumb(f.thumb)));
    if ((slot + 1) * 3 > this.gcodes.length) { const g = new Uint32Array(this.gcodes.length * 2); g.set(this.gcodes); this.gcodes = g; this.gnexts = this.gnexts.map((nx) => { const a = new Int32Array(g.length / 3); a.set(nx); return a; }); }
    this.gcodes.set(code, slot * 3);
    for (let t = 0; t < GTABLES; t++) {
      const key = gkey(code, t);
      this.gnexts[t]![slot] = this.gheads[t]![key]!;
      this.gheads[t]![key] = slot;
    }
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
    while (cap < n) cap *= 2;
    const d = new Uint32Array(cap * DESC_WORDS); d.set(this.kpDesc); this.kpDesc = d;
    const g = new Uint16Array(cap * 3); g.set(this.kpGeom); this.kpGeom = g;
    const s = new Int32Array(cap); s.set(this.kpSlot); this.kpSlot = s;
    const st = new Uint32Array(cap); st.set(this.stamp); this.stamp = st;
    this.nexts = this.nexts.map((nx) => { const a = new Int32Array(cap); a.set(nx); return a; });
  }

  query(features: ImageFeatures | DecodedFeatures, opts: QueryOptions = {}): ImageMatch[] {
    const T0 = performance.now();
    const q = prepareQuery(features);
    const T1 = performance.now();
    const limit = opts.limit ?? 10, C = opts.candidates ?? 48;
    // 1. retrieval: hash lookups, Hamming check, votes per record
    const sets = q.mdesc ? [q.desc, q.mdesc] : [q.desc];
    const matches = sets.map(() => new MatchBuf());
    if (this.votes.length < this.slots.length) this.votes = new Float32Array(this.slots.length * 2);
    const votes = this.votes, voted: number[] = [];
    for (let si = 0; si < sets.length; si++) {
      const D = sets[si]!;
      for (let i = 0; i < q.n; i++) {
        const o = i * DESC_WORDS;
        const g = ++this.stampGen;
        const d0 = D[o]!, d1 = D[o + 1]!, d2 = D[o + 2]!, d3 = D[o + 3]!;
        let lastSlot = -1;
        for (let t = 0; t < TABLES; t++) {
          const key = keyOf(D, o, this.keySets[t]!);
          if (this.counts[t]![key]! > MAX_BUCKET) continue;
          const nx = this.nexts[t]!;
          for (let k = this.heads[t]![key]!; k >= 0; k = nx[k]!) {
            if (this.stamp[k] === g) continue;
            this.stamp[k] = g;
            const ko = k * DESC_WORDS;
            const dist = popcnt(d0 ^ this.kpDesc[ko]!) + popcnt(d1 ^ this.kpDesc[ko + 1]!) + popcnt(d2 ^ this.kpDesc[ko + 2]!) + popcnt(d3 ^ this.kpDesc[ko + 3]!);
            if (dist > MATCH_DIST) continue;
            const slot = this.kpSlot[k]!;
            if (!this.slots[slot]!.alive) continue;
            matches[si]!.push(i, k, dist);
            if (slot !== lastSlot) {
              if (votes[slot] === 0) voted.push(slot);
              votes[slot]! += 1 - dist / (MATCH_DIST + 8);
              lastSlot = slot;
            }
          }
        }
      }
    }
    const cands = voted.sort((a, b) => votes[b]! - votes[a]!).slice(0, C);
    for (const sl of voted) votes[sl] = 0;
    const T2 = performance.now();
    // 2. global retrieval: LSH on the thumbnail codes of every query variant
    const gbest = new Map<number, number>();
    for (const v of q.probes) {
      const code = globalCode(q.pooled[v]!);
      for (let tb = 0; tb < GTABLES; tb++) {
        const key = gkey(code, tb), heads = this.gheads[tb]!, nx = this.gnexts[tb]!;
        for (let probe = -1; probe < GKEY; probe++) {
          const k2 = probe < 0 ? key : key ^ (1 << probe);
          for (let sl = heads[k2]!; sl >= 0; sl = nx[sl]!) {
            const o = sl * 3;
            const d = popcnt(code[0]! ^ this.gcodes[o]!) + popcnt(code[1]! ^ this.gcodes[o + 1]!) + popcnt(code[2]! ^ this.gcodes[o + 2]!);
            const prev = gbest.get(sl);
            if (prev === undefined || d < prev) gbest.set(sl, d);
          }
        }
      }
    }
    const have = new Set(cands);
    for (const [sl] of [...gbest.entries()].filter(([sl]) => this.slots[sl]!.alive).sort((a, b) => a[1] - b[1]).slice(0, opts.globalCandidates ?? 40)) {
      if (!have.has(sl)) { cands.push(sl); have.add(sl); }
    }
    const T3 = performance.now();
    const first = this.rerank(q, cands, matches, cands.length);
    // 3. dense verification of the few best: every query keypoint against every keypoint of the
    //    record (no hashing losses), for the best after re-ranking and the best by local votes
    const dense = new Set<number>();
    for (const h of first.slice(0, DENSE_TOP)) dense.add(this.byId.get(h.id)!);
    for (const sl of cands.slice(0, DENSE_VOTES)) dense.add(sl);
    const denseSlots = [...dense];
    const dm = (q.mdesc ? [q.desc, q.mdesc] : [q.desc]).map((D) => {
      const buf = new MatchBuf();
      for (const sl of denseSlots) this.denseMatches(D, q.n, sl, buf);
      return buf;
    });
    const refined = new Map(this.rerank(q, denseSlots, dm, denseSlots.length).map((h) => [h.id, h]));
    const rr = first.map((h) => {
      const d = refined.get(h.id);
      return d && d.similarity > h.similarity ? d : h;
    }).sort((a, b) => b.similarity - a.similarity || b.inliers - a.inliers || b.global - a.global).slice(0, limit);
    if (process.env.IMG_DEBUG) console.log('prep', (T1-T0).toFixed(0), 'local', (T2-T1).toFixed(0), 'global', (T3-T2).toFixed(0), 'rerank', (performance.now()-T3).toFixed(0), 'matches', matches.map((m) => m.n));
    return rr;
  }

  /** All matches within MATCH_DIST between the query descriptors D and one record (best 2 per query keypoint). */
  private denseMatches(D: Uint32Array, n: number, slot: number, out: MatchBuf): void {
    const s = this.slots[slot]!;
    const kd = this.kpDesc;
    for (let i = 0; i < n; i++) {
      const o = i * DESC_WORDS, d0 = D[o]!, d1 = D[o + 1]!, d2 = D[o + 2]!, d3 = D[o + 3]!;
      let b1 = MATCH_DIST + 1, k1 = -1, b2 = MATCH_DIST + 1, k2 = -1;
      for (let k = s.kpStart, e = s.kpStart + s.n; k < e; k++) {
        const ko = k * DESC_WORDS;
        const dist = popcnt(d0 ^ kd[ko]!) + popcnt(d1 ^ kd[ko + 1]!) + popcnt(d2 ^ kd[ko + 2]!) + popcnt(d3 ^ kd[ko + 3]!);
        if (dist < b1) { b2 = b1; k2 = k1; b1 = dist; k1 = k; } else if (dist < b2) { b2 = dist; k2 = k; }
      }
      if (k1 >= 0) out.push(i, k1, b1);
      if (k2 >= 0) out.push(i, k2, b2);
    }
  }

  /** Re-rank the given records (slots) with the finer comparison. */
  private rerank(q: PreparedQuery, cands: number[], matches: MatchBuf[], limit: number): ImageMatch[] {
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
      const global = globalScore(q, normaliseThumb(s.thumb));
      const r = bestV.region;
      out.push({
        id: s.id, similarity: combineScore(bestV.inliers, global), inliers: bestV.inliers, global, mirrored,
        ...(r ? { region: { x: r.x0 / s.w, y: r.y0 / s.h, w: (r.x1 - r.x0) / s.w, h: (r.y1 - r.y0) / s.h } } : {}),
      });
    });
    out.sort((a, b) => b.similarity - a.similarity || b.inliers - a.inliers || b.global - a.global);
    return out.slice(0, limit);
  }

  /** Brute force: every record is matched and re-ranked (for recall comparisons). */
  exhaustive(features: ImageFeatures | DecodedFeatures, opts: QueryOptions = {}): ImageMatch[] {
    const q = prepareQuery(features);
    const sets = q.mdesc ? [q.desc, q.mdesc] : [q.desc];
    const all: number[] = [];
    this.slots.forEach((s, i) => { if (s.alive) all.push(i); });
    const matches = sets.map(() => new MatchBuf());
    for (const slot of all) {
      const s = this.slots[slot]!;
      for (let si = 0; si < sets.length; si++) {
        const D = sets[si]!;
        for (let i = 0; i < q.n; i++) {
          const o = i * DESC_WORDS;
          for (let k = s.kpStart; k < s.kpStart + s.n; k++) {
            const ko = k * DESC_WORDS;
            const dist = popcnt(D[o]! ^ this.kpDesc[ko]!) + popcnt(D[o + 1]! ^ this.kpDesc[ko + 1]!) + popcnt(D[o + 2]! ^ this.kpDesc[ko + 2]!) + popcnt(D[o + 3]! ^ this.kpDesc[ko + 3]!);
            if (dist <= MATCH_DIST) matches[si]!.push(i, k, dist);
          }
        }
      }
    }
    return this.rerank(q, all, matches, opts.limit ?? 10);
  }
}

interface PreparedQuery extends DecodedFeatures {
  qthumbs: Float32Array[];
  pooled: Float32Array[];
  /** the variants whose codes probe the global tables (the LSH tolerates small angles) */
  probes: number[];
  mgeom?: Float32Array;
}

function prepareQuery(features: ImageFeatures | DecodedFeatures): PreparedQuery {
  const f = 'k' in features ? decodeFeatures(features) : features;
  const qthumbs = f.qthumbs ?? queryThumbs(f);
  let mgeom: Float32Array | undefined;
  if (f.mdesc) {
    mgeom = new Float32Array(f.geom);
    for (let i = 0; i < f.n; i++) {
      mgeom[4 * i] = f.w - f.geom[4 * i]!;
      mgeom[4 * i + 3] = Math.PI - f.geom[4 * i + 3]!;
    }
  }
  const probes = qthumbs.map((_, i) => i);
  return { ...f, qthumbs, pooled: qthumbs.map(pool), probes, ...(mgeom ? { mgeom } : {}) };
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
