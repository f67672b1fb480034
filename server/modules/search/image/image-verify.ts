// Geometric verification of keypoint matches between a query and one stored image, and the
// similarity that combines it with the thumbnail comparison.
import { PATCH_R, THUMB, type Raster } from './image-features.js';

/** Largest Hamming distance (of 128 bits) between two descriptors of the same point. */
export const MATCH_DIST = 14;
/** Matches verified per record (the closest): bounds the work. */
const MAX_MATCHES = 400;


export interface Match { q: number; k: number; d: number }

/** Growable (query keypoint, stored keypoint, distance) triples: no object per raw match. */
export class MatchBuf {
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

/** Affine map [a, b, c, d, e, f]: (x, y) -> (a x + b y + c, d x + e y + f). */
export type Affine = [number, number, number, number, number, number];
/** Projective map, 3x3 row-major: (x, y) -> ((h0 x + h1 y + h2) / w, (h3 x + h4 y + h5) / w), w = h6 x + h7 y + h8. */
export type Projective = number[];
const fromAffine = (A: Affine): Projective => [...A, 0, 0, 1];

export interface Verified {
  inliers: number;
  region?: { x0: number; y0: number; x1: number; y1: number };
  /** stored image pixels -> query pixels (in the frame of the matched descriptors) */
  T?: Projective;
}

export function verify(matches: Match[], qg: Float32Array, kg: Float32Array, kOff: number, kw: number, kh: number): Verified {
  matches.sort((a, b) => a.d - b.d);
  if (matches.length > MAX_MATCHES) matches.length = MAX_MATCHES;
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
  let best = 0, bestSet: number[] = [], bestT: Projective = [1, 0, 0, 0, 1, 0, 0, 0, 1];
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
    if (set.length > best) { best = set.length; bestSet = set; bestT = [c, -s, tx, s, c, ty, 0, 0, 1]; }
  }
  if (best < 3) return { inliers: best };
  // refine: least-squares affine on the inliers, recount with a tighter, perspective-tolerant test
  let inl = bestSet;
  for (let it = 0; it < 2; it++) {
    const A = fitAffine(inl.map((j) => matches[j]!), qg, kg, kOff);
    if (!A) break;
    const T = fromAffine(A);
    // scale consistency with the affine's local scale
    const set = consistent(matches, T, Math.sqrt(Math.abs(A[0] * A[4] - A[1] * A[3])), qg, kg, kOff);
    if (set.length < 3) break;
    inl = set;
    bestT = T;
  }
  // a photo taken at a slant is a projective view of the motif: with enough inliers, fit a
  // homography and keep it when it explains at least as many matches
  if (inl.length >= 8) {
    const H = fitHomography(inl.map((j) => matches[j]!), qg, kg, kOff);
    if (H) {
      const set = consistent(matches, H, undefined, qg, kg, kOff);
      if (set.length >= inl.length) { inl = set; bestT = H; }
    }
  }
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const j of inl) {
    const kj = (matches[j]!.k - kOff) * 4;
    x0 = Math.min(x0, kg[kj]!); y0 = Math.min(y0, kg[kj + 1]!); x1 = Math.max(x1, kg[kj]!); y1 = Math.max(y1, kg[kj + 1]!);
  }
  return { inliers: Math.max(inl.length, best >= 3 ? Math.min(best, inl.length + 2) : 0), region: { x0, y0, x1, y1 }, T: bestT };
}

/**
 * The matches (indexes, each query and stored keypoint used once, closest first) that `T` maps
 * onto their query keypoint within the corner's size; with `scale`, also those whose scale change
 * agrees with it.
 */
function consistent(matches: Match[], T: Projective, scale: number | undefined, qg: Float32Array, kg: Float32Array, kOff: number): number[] {
  const set: number[] = [];
  const uq = new Set<number>(), uk = new Set<number>();
  for (let j = 0; j < matches.length; j++) {
    const mj = matches[j]!, qj = mj.q * 4, kj = (mj.k - kOff) * 4;
    if (uq.has(mj.q) || uk.has(mj.k)) continue;
    const w = T[6]! * kg[kj]! + T[7]! * kg[kj + 1]! + T[8]!;
    if (w <= 1e-6) continue;
    const px = (T[0]! * kg[kj]! + T[1]! * kg[kj + 1]! + T[2]!) / w, py = (T[3]! * kg[kj]! + T[4]! * kg[kj + 1]! + T[5]!) / w;
    const ex = px - qg[qj]!, ey = py - qg[qj + 1]!, tol = 0.4 * PATCH_R * qg[qj + 2]!;
    if (ex * ex + ey * ey > tol * tol) continue;
    if (scale !== undefined && Math.abs(Math.log2(qg[qj + 2]! / kg[kj + 2]! / scale)) > 0.9) continue;
    uq.add(mj.q); uk.add(mj.k);
    set.push(j);
  }
  return set;
}

/** Least-squares homography (h8 = 1) from stored to query points, on normalised coordinates. */
function fitHomography(ms: Match[], qg: Float32Array, kg: Float32Array, kOff: number): Projective | null {
  const n = ms.length;
  if (n < 5) return null;
  // Hartley normalisation: centroid at 0, mean distance sqrt(2)
  const norm = (xs: number[], ys: number[]) => {
    let mx = 0, my = 0;
    for (let i = 0; i < n; i++) { mx += xs[i]!; my += ys[i]!; }
    mx /= n; my /= n;
    let d = 0;
    for (let i = 0; i < n; i++) d += Math.hypot(xs[i]! - mx, ys[i]! - my);
    const sc = d > 0 ? (Math.SQRT2 * n) / d : 1;
    return { mx, my, sc };
  };
  const kx = ms.map((m) => kg[(m.k - kOff) * 4]!), ky = ms.map((m) => kg[(m.k - kOff) * 4 + 1]!);
  const qx = ms.map((m) => qg[m.q * 4]!), qy = ms.map((m) => qg[m.q * 4 + 1]!);
  const a = norm(kx, ky), b = norm(qx, qy);
  // normal equations of the 2n x 8 system
  const N = Array.from({ length: 8 }, () => new Float64Array(9));
  for (let i = 0; i < n; i++) {
    const x = (kx[i]! - a.mx) * a.sc, y = (ky[i]! - a.my) * a.sc, u = (qx[i]! - b.mx) * b.sc, v = (qy[i]! - b.my) * b.sc;
    const r1 = [x, y, 1, 0, 0, 0, -u * x, -u * y, u], r2 = [0, 0, 0, x, y, 1, -v * x, -v * y, v];
    for (const r of [r1, r2]) for (let p = 0; p < 8; p++) { if (r[p] === 0) continue; for (let q = 0; q < 9; q++) N[p]![q]! += r[p]! * r[q]!; }
  }
  for (let c = 0; c < 8; c++) {
    let piv = c;
    for (let r = c + 1; r < 8; r++) if (Math.abs(N[r]![c]!) > Math.abs(N[piv]![c]!)) piv = r;
    if (Math.abs(N[piv]![c]!) < 1e-9) return null;
    [N[c], N[piv]] = [N[piv]!, N[c]!];
    for (let r = 0; r < 8; r++) if (r !== c) {
      const f = N[r]![c]! / N[c]![c]!;
      for (let q = c; q < 9; q++) N[r]![q]! -= f * N[c]![q]!;
    }
  }
  const h = N.map((row, i) => row[8]! / row[i]!);
  // undo the normalisations: H = Tb^-1 * Hn * Ta
  const Hn = [h[0]!, h[1]!, h[2]!, h[3]!, h[4]!, h[5]!, h[6]!, h[7]!, 1];
  const Ta = [a.sc, 0, -a.sc * a.mx, 0, a.sc, -a.sc * a.my, 0, 0, 1];
  const Tbi = [1 / b.sc, 0, b.mx, 0, 1 / b.sc, b.my, 0, 0, 1];
  const mul = (A: number[], B: number[]) => {
    const out = new Array<number>(9).fill(0);
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) for (let k = 0; k < 3; k++) out[r * 3 + c]! += A[r * 3 + k]! * B[k * 3 + c]!;
    return out;
  };
  const H = mul(Tbi, mul(Hn, Ta));
  return H.every(Number.isFinite) ? H : null;
}

function fitAffine(ms: Match[], qg: Float32Array, kg: Float32Array, kOff: number): Affine | null {
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

/** Weight of the keypoint evidence when the colour check could not be made (too few cells). */
const COLOUR_UNKNOWN = 0.6;

/** Hue agreement (chromaCorr) from which the keypoints count fully; at 0 and below they count nothing. */
const CHROMA_FULL = 0.9;
/** The same for the thumbnails' correlation: full from GLOBAL_HUE_FULL, GLOBAL_HUE_MIN of it from GLOBAL_HUE_ZERO down. */
const GLOBAL_HUE_ZERO = -0.2, GLOBAL_HUE_FULL = 0.7, GLOBAL_HUE_MIN = 0.4;

/**
 * Corner-window correlation below which a corner view says nothing, and the most it counts for;
 * and the verified keypoints' scale (LOCAL_SCALE inliers, colours agreeing, count 63%).
 * Re-weighed for the 64x64 corner windows (feature version 5), which tell look-alikes apart
 * better than a dozen chance inliers do (floor 0.4, weight 0.8, scale 20 before). Chosen on 100
 * partial views among 3 020 motifs (top 30 re-scored offline): 79 -> 81 in the top 5, 54 -> 58
 * first; on 40 views not looked at before, in the search itself: 27 -> 29 (weight 0.95 and
 * scale 40: 30, but a region view of the unit tests, 6 inliers, lost to weak thumbnail matches);
 * the other kinds of query: the same (slanted: one more first).
 */
const CORNER_FLOOR = 0.6, CORNER_WEIGHT = 0.9, LOCAL_SCALE = 25;

/**
 * The same for a window anywhere in the record (a view of some region of the motif: a few tiles
 * of a zellige panel, the middle of a carpet), which a view of a corner also reaches. Chosen on
 * 140 partial views among 3 020 motifs (all the candidates re-scored offline): any weight of
 * 0.6-0.8 from a floor of 0.5-0.62 gives 117 or 118 in the top 5 (110 without); 0.7 and 0.6 are
 * in the middle of that plateau.
 */
const PART_FLOOR = 0.6, PART_WEIGHT = 0.7;

/**
 * Map the evidence to a similarity in [0, 1]: 0 for unrelated images, near 1 for copies.
 * `colour` is the photometric check of the verified match (undefined when it could not be made);
 * `corner` the best correlation of the whole query with a corner window of the record's thumbnail
 * (`part`: with a window anywhere in it);
 * `chroma` the hue agreement of the colour check, `globalChroma` that of the whole thumbnails
 * (each undefined when the query has no hue to compare).
 */
export function combineScore(inliers: number, global: number, colour?: number, corner?: number, chroma?: number, globalChroma?: number, part?: number): number {
  // Two independent kinds of evidence, combined like probabilities (noisy-or), so that either
  // one alone can rank a record first: a partial view or a motif small in a scene has a dozen
  // verified keypoints and no global resemblance; a tilted, slanted photo has some of both.
  // Unrelated images reach ~0.3 of thumbnail correlation and 1-2 chance inliers: those are 0.
  // The keypoints count only as much as the colours under them agree: another carpet of the
  // same family has the same corners in another palette or layout.
  // ... and as much as their hues agree: the same drawing in another palette has the colours'
  // pattern (dark on light) but not their hues.
  const hw = chroma === undefined ? 1 : Math.max(0, Math.min(1, chroma / CHROMA_FULL));
  const cw = (colour === undefined ? COLOUR_UNKNOWN : Math.max(0, Math.min(1, colour / 0.95))) * hw;
  const e = (inliers - 2) * cw;
  const local = e <= 0 ? 0 : 1 - Math.exp(-e / LOCAL_SCALE);
  // The thumbnails' resemblance too, less so (it counts at least GLOBAL_HUE_MIN): at 16x16 a
  // hue may be a blend of the motif's.
  const gh = globalChroma === undefined ? 1 : Math.max(GLOBAL_HUE_MIN, Math.min(1, (globalChroma - GLOBAL_HUE_ZERO) / (GLOBAL_HUE_FULL - GLOBAL_HUE_ZERO)));
  const glob = Math.max(0, Math.min(1, (global - 0.3) / 0.7)) * gh;
  // A third, weaker kind: the whole query matches a corner window of the record's thumbnail (a
  // photo of the corner of a carpet, which may show too few keypoints to verify).
  const corn = corner === undefined ? 0 : CORNER_WEIGHT * Math.max(0, Math.min(1, (corner - CORNER_FLOOR) / (1 - CORNER_FLOOR)));
  // And a fourth: the whole query matches a window anywhere in the thumbnail.
  const region = part === undefined ? 0 : PART_WEIGHT * Math.max(0, Math.min(1, (part - PART_FLOOR) / (1 - PART_FLOOR)));
  return 1 - (1 - local) * (1 - glob) * (1 - corn) * (1 - region);
}

// ------------------------------------------------------------------------------------------
// Photometric check

const SUB = 3; // sub-samples per thumbnail cell and axis (an area average of the mapped cell)
const MIN_CELLS = 9;

/**
 * Colour agreement of a verified match: the stored 16x16 thumbnail's cells are mapped through
 * the match's transform into the query raster, averaged there, and correlated with the stored
 * cells, per channel (gains and offsets of the light cancel out). Keypoint descriptors are
 * blind to the palette and, on repetitive craft patterns, agree with many records; this is not.
 * Returns the correlation in [-1, 1] and the number of cells that fell inside the query, or
 * undefined when too few did.
 */
export function photometric(raster: Raster, T: Projective, mirrored: boolean, thumb: Uint8Array, sw: number, sh: number): { corr: number; cells: number; chroma?: number } | undefined {
  const { data, w, h } = raster, cw = sw / THUMB, ch = sh / THUMB;
  const qa: number[] = [], ka: number[] = [];
  for (let j = 0; j < THUMB; j++) for (let i = 0; i < THUMB; i++) {
    let r = 0, g = 0, b = 0, inside = true;
    for (let sy = 0; sy < SUB && inside; sy++) for (let sx = 0; sx < SUB; sx++) {
      const u = (i + (sx + 0.5) / SUB) * cw, v = (j + (sy + 0.5) / SUB) * ch;
      const wq = T[6]! * u + T[7]! * v + T[8]!;
      if (wq <= 1e-6) { inside = false; break; }
      let x = (T[0]! * u + T[1]! * v + T[2]!) / wq;
      const y = (T[3]! * u + T[4]! * v + T[5]!) / wq;
      if (mirrored) x = w - x;
      if (x < 0 || y < 0 || x > w - 1.001 || y > h - 1.001) { inside = false; break; }
      const x0 = x | 0, y0 = y | 0, fx = x - x0, fy = y - y0, o = (y0 * w + x0) * 3, o2 = o + w * 3;
      const w00 = (1 - fx) * (1 - fy), w01 = fx * (1 - fy), w10 = (1 - fx) * fy, w11 = fx * fy;
      r += data[o]! * w00 + data[o + 3]! * w01 + data[o2]! * w10 + data[o2 + 3]! * w11;
      g += data[o + 1]! * w00 + data[o + 4]! * w01 + data[o2 + 1]! * w10 + data[o2 + 4]! * w11;
      b += data[o + 2]! * w00 + data[o + 5]! * w01 + data[o2 + 2]! * w10 + data[o2 + 5]! * w11;
    }
    if (!inside) continue;
    const t = (j * THUMB + i) * 3, n = SUB * SUB;
    qa.push(r / n, g / n, b / n);
    ka.push(thumb[t]!, thumb[t + 1]!, thumb[t + 2]!);
  }
  const cells = qa.length / 3;
  if (cells < MIN_CELLS) return undefined;
  let sum = 0;
  for (let c = 0; c < 3; c++) {
    let mq = 0, mk = 0;
    for (let i = c; i < qa.length; i += 3) { mq += qa[i]!; mk += ka[i]!; }
    mq /= cells; mk /= cells;
    let sqk = 0, sqq = 0, skk = 0;
    for (let i = c; i < qa.length; i += 3) { const dq = qa[i]! - mq, dk = ka[i]! - mk; sqk += dq * dk; sqq += dq * dq; skk += dk * dk; }
    // a floor, so that a flat channel (a plain background) says little either way
    const floor = cells * 16;
    sum += sqk / Math.sqrt((sqq + floor) * (skk + floor));
  }
  const chroma = chromaCorr(qa, ka, cells);
  return { corr: sum / 3, cells, ...(chroma !== undefined ? { chroma } : {}) };
}

/**
 * Hue agreement of the cells: their log-chromaticities (ln R/G, ln G/B), zero-mean, correlated.
 * The light's per-channel gains (warm light, exposure) only add constants there, which the
 * means remove, and its gamma scales them; but the same drawing in another palette (a blue
 * starburst for a green one), which the per-channel correlation cannot tell (dark on light in
 * every channel), disagrees. Undefined when the query's cells hardly vary in hue (a grey photo,
 * or one whose colour a tint replaced): no evidence either way. A record without hues facing a
 * query with some does disagree (near 0): abstaining there would let grey records escape the
 * check that colourful ones, the original among them, pay (measured: 3 of 140 tuning queries).
 */
export function chromaCorr(qa: ArrayLike<number>, ka: ArrayLike<number>, cells: number): number | undefined {
  const lq = new Float64Array(cells * 2), lk = new Float64Array(cells * 2);
  for (let i = 0; i < cells; i++) {
    const o = i * 3;
    lq[2 * i] = Math.log((qa[o]! + CHROMA_EPS) / (qa[o + 1]! + CHROMA_EPS)); lq[2 * i + 1] = Math.log((qa[o + 1]! + CHROMA_EPS) / (qa[o + 2]! + CHROMA_EPS));
    lk[2 * i] = Math.log((ka[o]! + CHROMA_EPS) / (ka[o + 1]! + CHROMA_EPS)); lk[2 * i + 1] = Math.log((ka[o + 1]! + CHROMA_EPS) / (ka[o + 2]! + CHROMA_EPS));
  }
  let sqk = 0, sqq = 0, skk = 0;
  for (let c = 0; c < 2; c++) {
    let mq = 0, mk = 0;
    for (let i = c; i < lq.length; i += 2) { mq += lq[i]!; mk += lk[i]!; }
    mq /= cells; mk /= cells;
    for (let i = c; i < lq.length; i += 2) { const dq = lq[i]! - mq, dk = lk[i]! - mk; sqk += dq * dk; sqq += dq * dq; skk += dk * dk; }
  }
  if (sqq < cells * CHROMA_MIN) return undefined;
  const floor = cells * CHROMA_FLOOR;
  return sqk / Math.sqrt((sqq + floor) * (skk + floor));
}
/**
 * Whether RGB cells (interleaved) show one hue or none: a black-and-white photo, a sepia filter,
 * a light that leaves a single hue. The opponent chromas (R - G, (R + G) / 2 - B) of the cells
 * that have some (from SINGLE_HUE_MIN) all point one way: their mean vector is nearly as long as
 * their mean length (from SINGLE_HUE). Measured on the query miniatures of generated views:
 * sepia-tinted ones 0.994-1, photos and views in colour up to 0.988; a view showing one colour
 * of the motif on a light ground reads 0.995-0.999 and is treated so too (it loses its hue check).
 */
export function singleHue(rgb: ArrayLike<number>): boolean {
  let sa = 0, sb = 0, sc = 0;
  for (let o = 0; o + 2 < rgb.length; o += 3) {
    const a = rgb[o]! - rgb[o + 1]!, b = (rgb[o]! + rgb[o + 1]!) / 2 - rgb[o + 2]!, c = Math.hypot(a, b);
    if (c < SINGLE_HUE_MIN) continue;
    sa += a; sb += b; sc += c;
  }
  return sc === 0 || Math.hypot(sa, sb) >= SINGLE_HUE * sc;
}
const SINGLE_HUE_MIN = 6, SINGLE_HUE = 0.993;

/**
 * Added to each channel before the ratios (dark cells have no hue to speak of); the least hue
 * variance per cell, in squared log units, for any evidence (tinted queries measure 0.002-0.005,
 * colour photos 0.01-0.15); and the floor of the correlation's norms.
 */
const CHROMA_EPS = 16, CHROMA_MIN = 0.005, CHROMA_FLOOR = 0.005;
