// The global descriptor of photo search: a 16x16 colour thumbnail, normalised per channel,
// compared over the 8 rotations/mirrors and, on the query side, over scales, small angles and
// keystones (a photo taken at a slant); and its 128-bit LSH code for retrieval. Also the
// corner windows: a view of the motif's corner compared with the stored thumbnails' corners,
// and retrieved by the codes of those corners; and the windows anywhere, for a view of a region.
import { LUMA_THUMB, QTHUMB, THUMB, luma, lumaChroma } from './image-features.js';

/** What a query brings to the thumbnail comparison. */
export interface ThumbQuery { qthumbs: Float32Array[]; pooled: Float32Array[] }


/**
 * The 8 rotations/mirrors, as views of a square source whose coordinates run over [0, L]:
 * (x, y) in the view seen through transform d -> the source's (x, y): d & 3 quarter turns, then
 * a mirror from 4 on. Cells (L = side - 1) or continuous coordinates alike; every map of this
 * module between a view and what it shows goes through it.
 */
function dihedralPoint(d: number, x: number, y: number, L: number): [number, number] {
  let u = x, v = y;
  for (let r = 0; r < (d & 3); r++) { const nu = L - v; v = u; u = nu; }
  return [d >= 4 ? L - u : u, v];
}

const DIHEDRAL: Int16Array[] = Array.from({ length: 8 }, (_, d) => {
  const m = new Int16Array(THUMB * THUMB);
  for (let y = 0; y < THUMB; y++) for (let x = 0; x < THUMB; x++) {
    const [u, v] = dihedralPoint(d, x, y, THUMB - 1);
    m[y * THUMB + x] = v * THUMB + u;
  }
  return m;
});

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
      addBilinear(mini, n, px + c * sx * cell - s * sy * cell, py + s * sx * cell + c * sy * cell, 9, out, (y * THUMB + x) * 3);
    }
  }
  return out;
}

/** Adds the bilinear sample at (u, v) of a side x side RGB square (clamped inside it), divided by `div`, to out[k..k+2]. */
function addBilinear(t: Uint8Array, side: number, u: number, v: number, div: number, out: Float32Array, k: number): void {
  const qx = Math.max(0, Math.min(side - 1.001, u)), qy = Math.max(0, Math.min(side - 1.001, v));
  const x0 = qx | 0, y0 = qy | 0, fx = qx - x0, fy = qy - y0, o = (y0 * side + x0) * 3, o2 = o + side * 3;
  for (let ch = 0; ch < 3; ch++) out[k + ch]! += ((t[o + ch]! * (1 - fx) + t[o + 3 + ch]! * fx) * (1 - fy) + (t[o2 + ch]! * (1 - fx) + t[o2 + 3 + ch]! * fx) * fy) / div;
}

/** Where a query variant's thumbnail was sampled from: a centred square of side `frac`, turned by `deg`, maybe keystoned. */
interface Pose { frac: number; deg: number; keystone?: [number, 0 | 1] }
const MINI_POSES: Pose[] = [
  ...QUERY_SCALES.flatMap((frac) => QUERY_ANGLES.map((deg) => ({ frac, deg }))),
  ...[1, 0.85].flatMap((frac) => QUERY_KEYSTONES.flatMap((k) => ([0, 1] as const).map((axis): Pose => ({ frac, deg: 0, keystone: [k, axis] })))),
];
const THUMB_POSES: Pose[] = [1, 0.9, 0.8].map((frac) => ({ frac, deg: 0 }));

/** The query's thumbnails as sampled (RGB, not normalised), one per pose. */
export function queryBases(f: { thumb: Uint8Array; mini?: Uint8Array }): Float32Array[] {
  const mini = f.mini;
  return mini
    ? MINI_POSES.map((p) => sampleMini(mini, p.frac, p.deg, p.keystone))
    : THUMB_POSES.map((p) => (p.frac === 1 ? Float32Array.from(f.thumb) : centreScale(f.thumb, p.frac)));
}

/** A 16x16 RGB thumbnail seen through dihedral transform d (DIHEDRAL). */
function dihedralView(base: Float32Array, d: number): Float32Array {
  const m = DIHEDRAL[d]!, t = new Float32Array(THUMB * THUMB * 3);
  for (let i = 0; i < THUMB * THUMB; i++) { const j = m[i]!; t[i * 3] = base[j * 3]!; t[i * 3 + 1] = base[j * 3 + 1]!; t[i * 3 + 2] = base[j * 3 + 2]!; }
  return t;
}

/** The RGB cells of variant v (pose v >> 3 seen through dihedral transform v & 7), as queryThumbs orders them. */
export function variantCells(bases: Float32Array[], v: number): Float32Array {
  return dihedralView(bases[v >> 3]!, v & 7);
}

/** The query's thumbnails to compare: each pose's (queryBases), normalised, in the 8 rotations/mirrors; variant v = pose * 8 + dihedral. */
export function queryThumbs(sampled: Float32Array[]): Float32Array[] {
  return sampled.map(normaliseThumb).flatMap((base) => DIHEDRAL.map((_, d) => dihedralView(base, d)));
}

// Global retrieval: 128-bit sign-of-random-projection codes of the normalised thumbnail pooled
// to 8x8 (an LSH for the correlation, which low frequencies dominate), 8 tables keyed by 12 to
// 16 bits of their 16-bit slice (longer as the index grows, image-index.ts), probed with the
// exact key and its 1-bit neighbours.
export const GBITS = 128, GTABLES = 8, GSLICE = GBITS / GTABLES, GWORDS = GBITS / 32;
const PSIDE = THUMB / 2, PDIM = PSIDE * PSIDE * 3;
const PROJ: Float32Array = (() => {
  let s = 0x2545f491 >>> 0;
  const rnd = () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return (s + 0.5) / 4294967296; };
  const p = new Float32Array(GBITS * PDIM);
  for (let i = 0; i < p.length; i++) p[i] = Math.sqrt(-2 * Math.log(rnd())) * Math.cos(2 * Math.PI * rnd());
  return p;
})();
/** 2x2 average pooling of a normalised 16x16x3 thumbnail (x2 so the norm stays ~1). */
export function pool(t: Float32Array): Float32Array {
  const out = new Float32Array(PDIM);
  for (let y = 0; y < THUMB; y++) for (let x = 0; x < THUMB; x++) {
    const o = ((y >> 1) * PSIDE + (x >> 1)) * 3, i = (y * THUMB + x) * 3;
    out[o]! += t[i]! * 0.5; out[o + 1]! += t[i + 1]! * 0.5; out[o + 2]! += t[i + 2]! * 0.5;
  }
  return out;
}
export function globalCode(p: Float32Array): Uint32Array {
  const out = new Uint32Array(GBITS / 32);
  for (let b = 0; b < GBITS; b++) {
    let s = 0;
    const o = b * PDIM;
    for (let i = 0; i < PDIM; i++) s += PROJ[o + i]! * p[i]!;
    if (s > 0) out[b >> 5]! |= 1 << (b & 31);
  }
  return out;
}
/** The hash key of table t: the first `bits` bits of its GSLICE-bit slice of the code. */
export function gkey(code: Uint32Array, t: number, bits: number): number {
  const bit = t * GSLICE; // slices of 16 bits never straddle a 32-bit word
  return (code[bit >> 5]! >>> (bit & 31)) & ((1 << bits) - 1);
}

const GLOBAL_EXACT = 4;
/**
 * Best correlation over the query variants (ranked on the pooled thumbnails, exact on the best
 * few), and which variant gave it.
 */
export function globalMatch(q: ThumbQuery, stored: Float32Array): { score: number; variant: number } {
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
  let best = -1, variant = 0;
  for (const v of order) {
    const t = q.qthumbs[v]!;
    let s = 0;
    for (let i = 0; i < t.length; i++) s += t[i]! * stored[i]!;
    if (s > best) { best = s; variant = v; }
  }
  return { score: best / 3, variant };
}

/** Stored image pixels -> query pixels as a variant's pose implies them; `mirrored`: in the mirrored query's frame. */
export interface PoseMap { map: (x: number, y: number) => [number, number]; scale: number; mirrored: boolean; /** stored pixels the aligned part spans */ extent: number }

/**
 * The alignment that the best thumbnail correlation implies: the stored image (sw x sh) fills
 * the variant's sampled square of the query frame (qw x qh), turned and mirrored as the variant
 * is. Coarse (a cell of 16, a step of the scales and angles), but right where the motif repeats
 * an element: what the keypoint matches alone cannot tell apart (image-index.ts, guided matching).
 */
export function poseMap(variant: number, hasMini: boolean, sw: number, sh: number, qw: number, qh: number): PoseMap | undefined {
  const pose = (hasMini ? MINI_POSES : THUMB_POSES)[variant >> 3];
  if (!pose) return undefined;
  const t = variant & 7, a = (pose.deg * Math.PI) / 180, c = Math.cos(a), s = Math.sin(a), ks = pose.keystone;
  // the miniature's sampling spans (n - 1) / n of the frame (pixel centres), the thumbnail's all of it
  const span = hasMini ? (QTHUMB - 1) / QTHUMB : 1, mirrored = t >= 4;
  const map = (x: number, y: number): [number, number] => {
    // stored thumbnail cell coordinates -> the base's cell (as DIHEDRAL maps them, continuous)
    const [u, v] = dihedralPoint(t, (x / sw) * THUMB - 0.5, (y / sh) * THUMB - 0.5, THUMB - 1);
    const U = ((u + 0.5) / THUMB) * 2 - 1, V = ((v + 0.5) / THUMB) * 2 - 1;
    let p = U * pose.frac, q = V * pose.frac;
    if (ks) {
      if (ks[1] === 0) p *= (1 + ks[0] * V) / (1 + Math.abs(ks[0]));
      else q *= (1 + ks[0] * U) / (1 + Math.abs(ks[0]));
    }
    const X = ((1 + span * (c * p - s * q)) / 2) * qw, Y = ((1 + span * (s * p + c * q)) / 2) * qh;
    return [mirrored ? qw - X : X, Y]; // a mirror's keypoints are matched in the mirrored query's frame
  };
  return { map, scale: pose.frac * span * Math.sqrt((qw * qh) / (sw * sh)), mirrored, extent: Math.max(sw, sh) };
}

// ------------------------------------------------------------------------------------------
// Corner windows: a photo of "a corner of the carpet" shows the motif's corner. The whole query
// (its miniature, in the 8 rotations/mirrors) resampled to a window of kw x kh cells is
// correlated with the same window at each corner of the stored thumbnail, for window widths of
// 30-50% of the motif whose shape agrees with the query's. On the 32x32 thumbnail that feature
// version 4 stores (10-16 cells a window) rather than the 16x16 one (5-8 cells): at 5 cells a
// corner of one rosette is a corner of every rosette of its palette. Measured on 42 corner
// views among 3 020 motifs, the corner window alone ranked the original first for 15 at 16x16,
// 23 at 32x32, and in the top 5 for 22 and 29. A query with one hue or none (grey, sepia) is
// compared by luminance only (its channels are one channel; the record's are not).

/** The query's views by window shape: kw x kh cells, one normalised vector per rotation/mirror that has that shape. */
export interface CornerQuery {
  /** side of the stored thumbnails these windows are cut from */
  side: number;
  grey: boolean;
  shapes: { kw: number; kh: number; views: Float32Array[]; ds: number[] }[];
  /** the shapes for a scan of every position: of each width, the height nearest the view's shape (per rotation) */
  scan: CornerQuery['shapes'];
}

/** Zero-mean cells per channel (luminance only with `grey`), scaled to unit norm plus a floor. */
function normaliseCells(v: Float32Array, n: number, grey: boolean): Float32Array {
  if (grey) {
    for (let k = 0; k < n; k++) {
      const l = luma(v[k * 3]!, v[k * 3 + 1]!, v[k * 3 + 2]!);
      v[k * 3] = l; v[k * 3 + 1] = l; v[k * 3 + 2] = l;
    }
  }
  for (let c = 0; c < 3; c++) {
    let m = 0;
    for (let k = 0; k < n; k++) m += v[k * 3 + c]!;
    m /= n;
    for (let k = 0; k < n; k++) v[k * 3 + c]! -= m;
  }
  let s = 0;
  for (const x of v) s += x * x;
  s = Math.sqrt(s) + 8 * Math.sqrt(n); // a floor: flat windows say little
  for (let i = 0; i < v.length; i++) v[i]! /= s;
  return v;
}

/** Area average of the (square RGB) miniature, seen through dihedral transform d, into kw x kh cells. */
function miniCells(mini: Uint8Array, d: number, kw: number, kh: number, grey: boolean): Float32Array {
  const n = Math.round(Math.sqrt(mini.length / 3)), out = new Float32Array(kw * kh * 3), cnt = new Float32Array(kw * kh);
  for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) {
    const [sx, sy] = dihedralPoint(d, x, y, n - 1); // (x, y) in the view -> the miniature
    const k = Math.floor((y * kh) / n) * kw + Math.floor((x * kw) / n), o = (sy * n + sx) * 3;
    out[k * 3]! += mini[o]!; out[k * 3 + 1]! += mini[o + 1]!; out[k * 3 + 2]! += mini[o + 2]!;
    cnt[k]!++;
  }
  for (let k = 0; k < kw * kh; k++) for (let c = 0; c < 3; c++) out[k * 3 + c]! /= cnt[k]!;
  return normaliseCells(out, kw * kh, grey);
}

/**
 * The query's corner-window views for stored thumbnails of `side` x `side` cells: widths of
 * 30-50% of the side, heights 25-56%, whose shape is the query's (within a cell's rounding).
 */
export function cornerQuery(mini: Uint8Array, aspect: number, side: number, grey: boolean): CornerQuery {
  const shapes: CornerQuery['shapes'] = [];
  const tol = 0.04 + 3.36 / side; // log of the aspect: 4% and the rounding of the cells (0.25 at 16, 0.145 at 32)
  for (let kw = Math.round(side * 0.3); kw <= Math.round(side * 0.5); kw++) for (let kh = Math.floor(side * 0.25); kh <= Math.ceil(side * 0.56); kh++) {
    const views: Float32Array[] = [], ds: number[] = [];
    for (let d = 0; d < 8; d++) {
      const a = d & 1 ? 1 / aspect : aspect; // width / height of the view
      if (Math.abs(Math.log(kw / kh / a)) <= tol) { views.push(miniCells(mini, d, kw, kh, grey)); ds.push(d); }
    }
    if (views.length) shapes.push({ kw, kh, views, ds });
  }
  const scan: CornerQuery['shapes'] = [];
  for (const kw of new Set(shapes.map((sh) => sh.kw))) for (let d = 0; d < 8; d++) {
    const a = d & 1 ? 1 / aspect : aspect, off = (sh: CornerQuery['shapes'][number]) => Math.abs(Math.log(kw / sh.kh / a));
    let best: CornerQuery['shapes'][number] | undefined;
    for (const sh of shapes) if (sh.kw === kw && sh.ds.includes(d) && (!best || off(sh) < off(best))) best = sh;
    if (!best) continue;
    const got = scan.find((sh) => sh.kw === kw && sh.kh === best.kh) ?? scan[scan.push({ kw, kh: best.kh, views: [], ds: [] }) - 1]!;
    got.views.push(best.views[best.ds.indexOf(d)]!); got.ds.push(d);
  }
  return { side, grey, shapes, scan };
}

/**
 * Retrieval of corner views: LSH codes (globalCode) of each stored record's corner windows -
 * squares of CORNER_CODE_SIDES of its side at its 4 corners, resampled to THUMB x THUMB as a
 * query's whole thumbnail is - so that a query showing a corner finds the records whose corner
 * looks like it without comparing every record (image-index.ts). Measured on 42 corner views
 * among 3 020 motifs (every code compared): the original's code among the 200 nearest for 32
 * (sides 0.4 alone: 20; four shapes 0.33/0.45 x 0.33/0.45: 31).
 */
export const CORNER_CODE_SIDES = [0.33, 0.45];
export const CORNER_CODES = CORNER_CODE_SIDES.length * 4;

/** The CORNER_CODES corner-window codes of a stored `side` x `side` RGB thumbnail (sizes, then corners). */
export function cornerCodes(t: Uint8Array, side: number): Uint32Array[] {
  return CORNER_CODE_SIDES.flatMap((f) => [0, 1, 2, 3].map((c) => globalCode(pool(normaliseThumb(windowCells(t, side, f, c))))));
}

/** A square of `frac` of the side at corner c of a square RGB thumbnail, resampled to THUMB x THUMB (2x2 bilinear samples a cell). */
function windowCells(t: Uint8Array, side: number, frac: number, c: number): Float32Array {
  const out = new Float32Array(THUMB * THUMB * 3), wl = frac * side, x0 = c & 1 ? side - wl : 0, y0 = c & 2 ? side - wl : 0;
  for (let y = 0; y < THUMB; y++) for (let x = 0; x < THUMB; x++) for (let sy = 0; sy < 2; sy++) for (let sx = 0; sx < 2; sx++) {
    addBilinear(t, side, x0 + ((x + (sx + 0.5) / 2) / THUMB) * wl - 0.5, y0 + ((y + (sy + 0.5) / 2) / THUMB) * wl - 0.5, 4, out, (y * THUMB + x) * 3);
  }
  return out;
}

/** Where the query matched a (corner or other) window best: the window (cells of a `side` x `side` stored thumbnail) and the view's dihedral transform. */
export interface CornerMatch { score: number; x0: number; y0: number; kw: number; kh: number; d: number; side: number }

// The stored thumbnail's cells as compared, and their summed-area tables (each channel, and the
// squares of all three): a window's norm in O(1), and since the query's views are zero-mean per
// channel, their dot product with the raw window is the one with the normalised window.
let CELLS = new Float32Array(0), SAT = new Float64Array(0);

/** Which windows a scan compares. */
export interface WindowScan {
  /** windows at every position (a view of some region of the motif), not only the 4 corners */
  anywhere?: boolean;
  /** only these pairs: corner x 8 + dihedral transform (corners), or dihedral transforms (anywhere) */
  only?: number[];
  /** the best match of each pair (32 for the corners, 8 anywhere) is written there */
  per?: CornerMatch[];
  /** only the window shapes within `r` cells of kw x kh */
  near?: { kw: number; kh: number; r: number };
  /** anywhere: only the positions within `r` cells of (x0, y0) */
  at?: { x0: number; y0: number; r: number };
}

/**
 * Best correlation of the query's views with windows of a stored thumbnail (of cq.side cells a
 * side), and where; the correlation is normaliseCells' (the same floor). By default the corner
 * windows; see WindowScan for the others.
 */
export function cornerScore(cq: CornerQuery, thumb: Uint8Array, scan: WindowScan = {}): CornerMatch {
  // grey: one channel of luminance (the views' three channels are equal: a third of the work)
  const N = cq.side, M = N + 1, C = cq.grey ? 1 : 3, S = C + 1, best = noMatch(N);
  if (CELLS.length < N * N * 3) CELLS = new Float32Array(N * N * 3);
  if (SAT.length < M * M * 4) SAT = new Float64Array(M * M * 4);
  const T = CELLS;
  for (let i = 0; i < N * N; i++) {
    const o = i * 3;
    if (cq.grey) T[i] = luma(thumb[o]!, thumb[o + 1]!, thumb[o + 2]!);
    else { T[o] = thumb[o]!; T[o + 1] = thumb[o + 1]!; T[o + 2] = thumb[o + 2]!; }
  }
  SAT.fill(0, 0, M * M * S);
  for (let y = 0; y < N; y++) for (let x = 0; x < N; x++) {
    const o = ((y + 1) * M + x + 1) * S, t = (y * N + x) * C;
    let sq = 0;
    for (let c = 0; c < S; c++) {
      const v = c < C ? T[t + c]! : sq;
      if (c < C) sq += v * v;
      SAT[o + c] = v + SAT[o - S + c]! + SAT[o - S * M + c]! - SAT[o - S * M - S + c]!;
    }
  }
  const rect = (x0: number, y0: number, kw: number, kh: number, c: number) =>
    SAT[((y0 + kh) * M + x0 + kw) * S + c]! - SAT[(y0 * M + x0 + kw) * S + c]! - SAT[((y0 + kh) * M + x0) * S + c]! + SAT[(y0 * M + x0) * S + c]!;
  const { anywhere, only, per, near, at } = scan;
  const all = anywhere && !near ? cq.scan : cq.shapes;
  const shapes = near ? all.filter((sh) => Math.abs(sh.kw - near.kw) <= near.r && Math.abs(sh.kh - near.kh) <= near.r) : all;
  const window = (kw: number, kh: number, views: Float32Array[], ds: number[], x0: number, y0: number, c: number) => {
    const n = kw * kh;
    let ss = rect(x0, y0, kw, kh, C);
    for (let ch = 0; ch < C; ch++) { const m = rect(x0, y0, kw, kh, ch); ss -= (m * m) / n; }
    const norm = Math.sqrt(Math.max(0, (ss * 3) / C)) + 8 * Math.sqrt(n); // normaliseCells' floor
    for (let i = 0; i < views.length; i++) {
      const pair = anywhere ? ds[i]! : c * 8 + ds[i]!;
      if (only && !only.includes(pair)) continue;
      const v = views[i]!;
      let s = 0;
      if (C === 3) {
        for (let y = 0; y < kh; y++) {
          const to = ((y0 + y) * N + x0) * 3, vo = y * kw * 3;
          for (let k = 0; k < kw * 3; k++) s += v[vo + k]! * T[to + k]!;
        }
      } else {
        for (let y = 0; y < kh; y++) {
          const to = (y0 + y) * N + x0, vo = y * kw;
          for (let k = 0; k < kw; k++) s += v[(vo + k) * 3]! * T[to + k]!;
        }
        s *= 3;
      }
      s /= norm;
      const pp = per?.[pair];
      if (pp && s > pp.score) Object.assign(pp, { score: s, x0, y0, kw, kh, d: ds[i]! });
      if (s > best.score) Object.assign(best, { score: s, x0, y0, kw, kh, d: ds[i]! });
    }
  };
  for (const { kw, kh, views, ds } of shapes) {
    if (!anywhere) {
      for (let c = 0; c < 4; c++) if (!only || only.some((p) => p >> 3 === c)) window(kw, kh, views, ds, c & 1 ? N - kw : 0, c & 2 ? N - kh : 0, c);
      continue;
    }
    const xa = at ? Math.max(0, at.x0 - at.r) : 0, xb = Math.min(N - kw, at ? at.x0 + at.r : N);
    const ya = at ? Math.max(0, at.y0 - at.r) : 0, yb = Math.min(N - kh, at ? at.y0 + at.r : N);
    for (let y0 = ya; y0 <= yb; y0++) for (let x0 = xa; x0 <= xb; x0++) window(kw, kh, views, ds, x0, y0, 0);
  }
  return best;
}

function noMatch(side: number): CornerMatch { return { score: -1, x0: 0, y0: 0, kw: 0, kh: 0, d: 0, side }; }

/**
 * The corner-window match on a 32x32 thumbnail (and a 64x64 luminance one), its cost bounded:
 * the 16x16 windows (a sixth of the work) pick the CORNER_PAIRS best (corner, rotation/mirror)
 * pairs of the 32, and only those are compared at 32x32 (which corner a view shows, and turned
 * how, hardly depends on the scale). On 40 bench queries: the same hits and similarities as
 * comparing all 32 pairs, 269 vs 389 ms a query (2 pairs: 248 ms, other hits). With `finest`
 * (features of version 5), the same pairs again at 64x64 (RGB cells from the luminance and the
 * 32x32 hues: lumaChroma), for window shapes within FINEST_R cells of the 32x32 match's, when
 * that one reaches FINEST_MIN: on 42 corner views among 3 020 motifs, the same ranks as every
 * shape; on 60 partial views, the same ranks as from any score, 430 -> 343 ms a query (305
 * without the 64x64 windows).
 */
export function fineCornerScore(coarse: CornerQuery, thumb: Uint8Array, fine: CornerQuery, fineThumb: Uint8Array, finest?: { cq: CornerQuery; luma: Uint8Array }): CornerMatch {
  const per = Array.from({ length: 32 }, () => noMatch(coarse.side));
  cornerScore(coarse, thumb, { per });
  const pairs = [...per.keys()].sort((a, b) => per[b]!.score - per[a]!.score || a - b).slice(0, CORNER_PAIRS);
  const m = cornerScore(fine, fineThumb, { only: pairs });
  if (!finest || m.score < FINEST_MIN) return m;
  const k = finest.cq.side / fine.side;
  const m2 = cornerScore(finest.cq, lumaChroma(finest.luma, finest.cq.side, fineThumb, FINEST_CELLS), { only: pairs, near: { kw: m.kw * k, kh: m.kh * k, r: FINEST_R } });
  return m2.kw ? m2 : m;
}

/**
 * A view of some region of the motif, not a corner (a few tiles of a zellige panel): the best
 * window anywhere, coarse to fine. Every position at 16x16 in luminance (`coarse`, grey: which
 * window and turned how; as good as in colour on 140 partial views, a third of the work), of
 * each width the height nearest the view's shape; the REGION_POSES best rotations/mirrors there,
 * each refined at 32x32 around its best window (REGION_R cells of position and shape); then the
 * best at 64x64 the same way when it reaches FINEST_MIN.
 */
export function regionScore(coarse: CornerQuery, thumb: Uint8Array, fine: CornerQuery, fineThumb: Uint8Array, finest?: { cq: CornerQuery; luma: Uint8Array }): CornerMatch {
  const per = Array.from({ length: 8 }, () => noMatch(coarse.side));
  cornerScore(coarse, thumb, { anywhere: true, per });
  let m = noMatch(fine.side);
  const up = (c: CornerMatch, k: number, r: number): WindowScan => ({ anywhere: true, only: [c.d], near: { kw: c.kw * k, kh: c.kh * k, r }, at: { x0: c.x0 * k, y0: c.y0 * k, r } });
  for (const c of [...per].sort((a, b) => b.score - a.score).slice(0, REGION_POSES)) {
    if (!c.kw) continue;
    const f = cornerScore(fine, fineThumb, up(c, fine.side / coarse.side, REGION_R));
    if (f.score > m.score) m = f;
  }
  if (!finest || m.score < FINEST_MIN || !m.kw) return m;
  const m2 = cornerScore(finest.cq, lumaChroma(finest.luma, finest.cq.side, fineThumb, FINEST_CELLS), up(m, finest.cq.side / fine.side, REGION_R));
  return m2.kw ? m2 : m;
}
const REGION_POSES = 3, REGION_R = 2;
const CORNER_PAIRS = 4, FINEST_R = 4, FINEST_MIN = 0.6;
const FINEST_CELLS = new Uint8Array(LUMA_THUMB * LUMA_THUMB * 3);

/**
 * The alignment a corner-window match implies: the stored window fills the whole query, seen
 * through the view's rotation/mirror.
 */
export function cornerPoseMap(m: CornerMatch, sw: number, sh: number, qw: number, qh: number): PoseMap {
  const mirrored = m.d >= 4;
  const map = (x: number, y: number): [number, number] => {
    // stored pixels -> the window's [0, 1) -> the miniature's (as miniCells maps the view)
    const [sx, sy] = dihedralPoint(m.d, ((x / sw) * m.side - m.x0) / m.kw, ((y / sh) * m.side - m.y0) / m.kh, 1);
    const X = sx * qw;
    return [mirrored ? qw - X : X, sy * qh]; // a mirror's keypoints are matched in the mirrored query's frame
  };
  return { map, scale: Math.sqrt((qw * qh) / (((m.kw / m.side) * sw * (m.kh / m.side)) * sh)), mirrored, extent: Math.max(m.kw * sw, m.kh * sh) / m.side };
}
