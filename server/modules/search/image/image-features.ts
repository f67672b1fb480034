// Image features for photo search: one sharp decode, then pure JS on raw pixels.
//
//  - a global descriptor: a 16x16 colour thumbnail (whole-motif alterations: recompression,
//    blur, light, rotation by 90°, mirror, small crops and tilts), stored at 32x32 with a 64x64
//    luminance for the corner windows (a view of the motif's corner: image-global.ts);
//  - local features: multi-scale Harris corners with a dominant gradient orientation and a
//    128-bit binary descriptor (BRIEF-like tests on an oriented, smoothed 9x9 sample grid),
//    for partial views and motifs small inside a scene; the index retrieves them through hash
//    tables on parts of the code and verifies the geometry (position, scale, angle).
//
// The stored object is plain JSON (numbers and base64 strings), about 19 KB per image (at most 23).
import sharp from 'sharp';

/**
 * Version of the stored features: 5 adds a 64x64 luminance thumbnail (`y`): with the 32x32
 * colour one for the hues (as JPEG keeps chroma at half resolution), the corner windows run at
 * 64x64, where the corner of a rosette shows the width of its petals (measured on 42 corner views
 * among 3 020 motifs, corner window alone: original first 23 -> 30, top 5 32 -> 35; the full
 * 64x64 colour thumbnail does no better). 4 stores the thumbnail at 32x32 (up to 3: at 16x16, which is
 * now derived from the 32x32 one): the corner windows (image-global.ts) tell the corners of
 * look-alike motifs apart at that size and not at 16x16. 3 keeps up to 480 keypoints an image (2 kept 320, 1 kept 160;
 * generated motifs have 320 on average under 480, 249 under 320: many have fewer corners). A
 * partial view (a corner of a carpet, 30-50% of its side) shows a tenth to a quarter of the
 * motif, so of the stored keypoints only that share can match it, and among those only the ones
 * at the scales the view shows: 320 left 5-15 of them for a corner of a simple motif; 480 found
 * the original of 39 of 60 partial views in the top 5, 320 of 36 (27 vs 23 first; the other
 * kinds of query unchanged within one). Spreading the keypoints over the image (a quota per
 * region) instead of the strongest corners first changed nothing measurable. Stored features of
 * an older version stay usable (same descriptors, fewer of them) until the background upgrade
 * recomputes them (registry/feature-upgrade.ts).
 */
export const FEATURE_VERSION = 5;

/** Crop box, fractions of the (auto-oriented) query image. */
export interface CropBox { x: number; y: number; w: number; h: number }

export interface ImageFeatures {
  v: number;
  /** working size the keypoint coordinates refer to */
  w: number;
  h: number;
  /** FINE_THUMB x FINE_THUMB RGB thumbnail of the whole (cropped) image, base64 (3 072 bytes; 16x16, 768 bytes, before version 4) */
  g: string;
  /** LUMA_THUMB x LUMA_THUMB luminance of the whole image, base64 (4 096 bytes; version 5 on, stored images only) */
  y?: string;
  /** keypoints, base64: n x KP_BYTES (x u16, y u16, level u8, angle u8, 16-byte descriptor) */
  k: string;
  /** query side only: descriptors of the same keypoints as seen in the mirror image, base64 n x 16 */
  m?: string;
  /** query side only: QTHUMB x QTHUMB RGB miniature of the whole (cropped) query, base64 */
  t?: string;
  /**
   * query side, in memory only (not enumerable, so never in JSON): the working RGB raster the
   * keypoints refer to, for the photometric check of a verified match (image-verify.ts)
   */
  raster?: Raster;
}

/** Interleaved RGB pixels. */
export interface Raster { data: Uint8Array; w: number; h: number }

export interface FeatureOptions {
  crop?: CropBox;
  /** 'index' for stored images (fewer keypoints), 'query' for photos searched with (more, + mirror) */
  role?: 'index' | 'query';
  /** sharp's limitInputPixels (default 50 MP) */
  limitInputPixels?: number;
}

export const KP_BYTES = 22;
export const DESC_WORDS = 4; // 128 bits
export const THUMB = 16;
/** Side of the stored thumbnail (version 4 on); THUMB's is its 2x2 average. */
export const FINE_THUMB = 32;
export const QTHUMB = 48;
/** Side of the stored luminance thumbnail (version 5 on): the finest corner windows'. */
export const LUMA_THUMB = 64;
export const PATCH_R = 12; // descriptor half-width in pixels of the keypoint's level
export const LEVEL_STEP = Math.SQRT2;

const INDEX_SIZE = 512;
const QUERY_SIZE = 640;
const INDEX_KPS = 480;
const QUERY_KPS = 420;
const MAX_LEVELS = 7;
/**
 * A query photo larger than QUERY_SIZE is worked on at its own size up to QUERY_SIZE x
 * LEVEL_STEP^MAX_FINE (1280 px), and each level above QUERY_SIZE (a "finer" one) gets FINE_KPS
 * keypoints on top of the usual budget: a motif a fifth of a 1300 px scene is 200 px wide at
 * 905 px and 300 px at its own size, and its corners only match the stored ones at that size
 * (scenes without a box found 70% -> 90% in the top 5 on the held-out set). The price: twice the
 * pixels to blur, a 1600 px photo's features 250 -> 610 ms measured side by side.
 */
const MAX_FINE = 2, FINE_KPS = 160;
const MIN_LEVEL_SIDE = 72;
/** A query photo smaller than QUERY_SIZE is worked on at its own size (not below this): enlarging it adds no detail, only levels whose keypoints match nothing. */
const MIN_QUERY_SIDE = 256;
const GRID = 8; // 8x8 grey samples
const DESC_SPAN = 2.5; // descriptor half-width / corner scale

// ------------------------------------------------------------------------------------------
// Fixed BRIEF test pattern (seeded, so stored features stay comparable).
export const BRIEF_PAIRS: Int16Array = (() => {
  let s = 0x9e3779b9 >>> 0;
  const rnd = () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 4294967296; };
  const n = GRID * GRID, pairs = new Int16Array(256);
  const seen = new Set<number>();
  let k = 0;
  while (k < 64) {
    const a = Math.floor(rnd() * n), b = Math.floor(rnd() * n);
    if (a === b) continue;
    const ax = a % GRID, ay = Math.floor(a / GRID), bx = b % GRID, by = Math.floor(b / GRID);
    const d2 = (ax - bx) ** 2 + (ay - by) ** 2;
    if (d2 > 40) continue; // keep tests local-ish: more robust to perspective
    const key = Math.min(a, b) * n + Math.max(a, b);
    if (seen.has(key)) continue;
    seen.add(key);
    pairs[2 * k] = a; pairs[2 * k + 1] = b; k++;
  }
  return pairs;
})();
/** Index of each grid sample in the mirror image's frame (v axis reversed). */
export const MIRROR_IDX: Int16Array = (() => {
  const m = new Int16Array(GRID * GRID);
  for (let y = 0; y < GRID; y++) for (let x = 0; x < GRID; x++) m[y * GRID + x] = (GRID - 1 - y) * GRID + x;
  return m;
})();

// ------------------------------------------------------------------------------------------
// Decoding

interface Rgb { data: Buffer; w: number; h: number }

/**
 * Decodes (and crops) the image, resized so that its longer side is `side`, or
 * `side(the longer side of the decoded, cropped image)`.
 */
async function decode(input: Buffer, side: number | ((longSide: number) => number), crop: CropBox | undefined, limit: number): Promise<Rgb> {
  let img = sharp(input, { limitInputPixels: limit, failOn: 'none' }).autoOrient();
  let W = 0, H = 0;
  if (crop || typeof side === 'function') {
    const meta = await sharp(input, { limitInputPixels: limit }).metadata(); // header only
    W = meta.autoOrient?.width ?? meta.width ?? 0; H = meta.autoOrient?.height ?? meta.height ?? 0;
  }
  let longSide = Math.max(W, H);
  if (crop) {
    const c = normaliseCrop(crop);
    const left = Math.min(W - 1, Math.max(0, Math.round(c.x * W))), top = Math.min(H - 1, Math.max(0, Math.round(c.y * H)));
    const width = Math.max(1, Math.min(W - left, Math.round(c.w * W))), height = Math.max(1, Math.min(H - top, Math.round(c.h * H)));
    img = img.extract({ left, top, width, height });
    longSide = Math.max(width, height);
  }
  const maxSide = typeof side === 'number' ? side : side(longSide);
  const { data, info } = await img
    .resize({ width: maxSide, height: maxSide, fit: 'inside', kernel: 'linear' })
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, w: info.width, h: info.height };
}

export function normaliseCrop(c: CropBox): CropBox {
  const clamp = (v: number) => Math.min(1, Math.max(0, Number.isFinite(v) ? v : 0));
  const x = clamp(c.x), y = clamp(c.y);
  const w = Math.max(0.02, Math.min(1 - x, clamp(c.w))), h = Math.max(0.02, Math.min(1 - y, clamp(c.h)));
  return { x: Math.min(x, 0.98), y: Math.min(y, 0.98), w, h };
}

// ------------------------------------------------------------------------------------------
// Image helpers (Float32 grey planes)

/** Area-average resample of a single-channel plane (or interleaved `ch` channels). */
function resizeArea(src: Float32Array, w: number, h: number, nw: number, nh: number, ch = 1): Float32Array {
  const tmp = new Float32Array(nw * h * ch), out = new Float32Array(nw * nh * ch);
  const sx = w / nw, sy = h / nh;
  // horizontal taps once, then row by row (contiguous memory; same sums in the same order)
  const taps: { x: number; i: number; wt: number }[] = [];
  for (let x = 0; x < nw; x++) {
    const a = x * sx, b = a + sx, i0 = Math.floor(a), i1 = Math.min(w, Math.ceil(b));
    for (let i = i0; i < i1; i++) {
      const wt = (Math.min(b, i + 1) - Math.max(a, i)) / sx;
      if (wt > 0) taps.push({ x, i, wt });
    }
  }
  for (let y = 0; y < h; y++) {
    const so = y * w * ch, to = y * nw * ch;
    for (const { x, i, wt } of taps) for (let c = 0; c < ch; c++) tmp[to + x * ch + c]! += src[so + i * ch + c]! * wt;
  }
  for (let y = 0; y < nh; y++) {
    const a = y * sy, b = a + sy, j0 = Math.floor(a), j1 = Math.min(h, Math.ceil(b));
    for (let j = j0; j < j1; j++) {
      const wt = (Math.min(b, j + 1) - Math.max(a, j)) / sy;
      if (wt <= 0) continue;
      const ro = j * nw * ch, wo = y * nw * ch;
      for (let k = 0; k < nw * ch; k++) out[wo + k]! += tmp[ro + k]! * wt;
    }
  }
  return out;
}

/** Separable binomial blur [1 4 6 4 1]/16, `passes` times (sigma ~ sqrt(passes)). */
function blur(src: Float32Array, w: number, h: number, passes: number): Float32Array {
  let a = src;
  const b = new Float32Array(w * h);
  for (let p = 0; p < passes; p++) {
    for (let y = 0; y < h; y++) {
      const o = y * w;
      for (let x = 0; x < w; x++) {
        // interior pixels skip the edge clamps (same arithmetic, so the same values)
        if (x >= 2 && x < w - 2) {
          const end = o + w - 2;
          for (let i = o + x; i < end; i++) b[i] = (a[i - 2]! + a[i + 2]! + 4 * (a[i - 1]! + a[i + 1]!) + 6 * a[i]!) / 16;
          x = w - 3;
          continue;
        }
        const xm2 = x < 2 ? 0 : x - 2, xm1 = x < 1 ? 0 : x - 1, xp1 = x + 1 >= w ? w - 1 : x + 1, xp2 = x + 2 >= w ? w - 1 : x + 2;
        b[o + x] = (a[o + xm2]! + a[o + xp2]! + 4 * (a[o + xm1]! + a[o + xp1]!) + 6 * a[o + x]!) / 16;
      }
    }
    const c = a === src ? new Float32Array(w * h) : a;
    for (let y = 0; y < h; y++) {
      const ym2 = (y < 2 ? 0 : y - 2) * w, ym1 = (y < 1 ? 0 : y - 1) * w, yp1 = (y + 1 >= h ? h - 1 : y + 1) * w, yp2 = (y + 2 >= h ? h - 1 : y + 2) * w, o = y * w;
      for (let x = 0; x < w; x++) c[o + x] = (b[ym2 + x]! + b[yp2 + x]! + 4 * (b[ym1 + x]! + b[yp1 + x]!) + 6 * b[o + x]!) / 16;
    }
    a = c;
  }
  return a;
}

function bilinear(img: Float32Array, w: number, h: number, x: number, y: number): number {
  if (x < 0) x = 0; else if (x > w - 1.001) x = w - 1.001;
  if (y < 0) y = 0; else if (y > h - 1.001) y = h - 1.001;
  const x0 = x | 0, y0 = y | 0, fx = x - x0, fy = y - y0, o = y0 * w + x0;
  return (img[o]! * (1 - fx) + img[o + 1]! * fx) * (1 - fy) + (img[o + w]! * (1 - fx) + img[o + w + 1]! * fx) * fy;
}

/** Luminance of an RGB value (Rec. 601 weights): the grey plane of the keypoints, and what a query without hues is compared by. */
export function luma(r: number, g: number, b: number): number {
  return 0.299 * r + 0.587 * g + 0.114 * b;
}

// ------------------------------------------------------------------------------------------
// Keypoints

export interface Keypoint {
  x: number; // level-0 working pixels
  y: number;
  level: number;
  angle: number; // radians
  desc: Uint32Array; // DESC_WORDS
  mdesc?: Uint32Array;
  score: number;
}

interface Cand { x: number; y: number; r: number }

function harris(img: Float32Array, w: number, h: number, border: number): Cand[] {
  const ixx = new Float32Array(w * h), iyy = new Float32Array(w * h), ixy = new Float32Array(w * h);
  for (let y = 1; y < h - 1; y++) for (let x = 1; x < w - 1; x++) {
    const o = y * w + x;
    const gx = img[o + 1]! - img[o - 1]!, gy = img[o + w]! - img[o - w]!;
    ixx[o] = gx * gx; iyy[o] = gy * gy; ixy[o] = gx * gy;
  }
  const sxx = blur(ixx, w, h, 2), syy = blur(iyy, w, h, 2), sxy = blur(ixy, w, h, 2);
  const R = new Float32Array(w * h);
  let max = 0;
  for (let i = 0; i < w * h; i++) {
    const a = sxx[i]!, b = syy[i]!, c = sxy[i]!;
    const r = a * b - c * c - 0.05 * (a + b) * (a + b);
    R[i] = r;
    if (r > max) max = r;
  }
  const thr = max * 0.004, out: Cand[] = [];
  for (let y = border; y < h - border; y++) for (let x = border; x < w - border; x++) {
    const o = y * w + x, r = R[o]!;
    if (r <= thr) continue;
    let isMax = true;
    for (let dy = -2; dy <= 2 && isMax; dy++) for (let dx = -2; dx <= 2; dx++) {
      if ((dx || dy) && R[o + dy * w + dx]! >= r && (R[o + dy * w + dx]! > r || dy < 0 || (dy === 0 && dx < 0))) { isMax = false; break; }
    }
    if (!isMax) continue;
    // sub-pixel refinement (parabola fit)
    const l = R[o - 1]!, rr = R[o + 1]!, u = R[o - w]!, d = R[o + w]!;
    const ddx = l - 2 * r + rr, ddy = u - 2 * r + d;
    const ox = ddx < 0 ? Math.max(-0.5, Math.min(0.5, (0.5 * (l - rr)) / ddx)) : 0;
    const oy = ddy < 0 ? Math.max(-0.5, Math.min(0.5, (0.5 * (u - d)) / ddy)) : 0;
    out.push({ x: x + ox, y: y + oy, r });
  }
  return out;
}

/**
 * The orientations read half a bin (5 degrees) more than the gradient's: the histogram's bin i
 * is centred on i x 10 degrees (linear interpolation), the peak is read at (i + 0.5) x 10. Every
 * stored descriptor was computed so (feature versions 2 and 3), so it stays; it is the same for all
 * images, except that in a mirror image the bias turns the other way: a point at angle a in the
 * query has, in its mirror image, the orientation MIRROR_ANGLE - a (and not pi - a), which is
 * what the mirror descriptors are sampled for. Without it, a mirrored copy's keypoints
 * disagreed by 10 degrees and matched 2-4 times less than the copy's.
 */
export const MIRROR_SKEW = (2 * Math.PI) / 36, MIRROR_ANGLE = Math.PI + MIRROR_SKEW;

/** Dominant gradient orientations (SIFT-style 36-bin histogram); returns 1 or 2 angles. */
function orientations(img: Float32Array, w: number, cx: number, cy: number, radius: number, allowSecond: boolean): number[] {
  const hist = new Float32Array(36);
  const x0 = Math.round(cx), y0 = Math.round(cy), r2 = radius * radius, sig2 = 2 * (radius * 0.6) ** 2;
  for (let dy = -radius; dy <= radius; dy++) for (let dx = -radius; dx <= radius; dx++) {
    const d2 = dx * dx + dy * dy;
    if (d2 > r2) continue;
    const o = (y0 + dy) * w + x0 + dx;
    const gx = img[o + 1]! - img[o - 1]!, gy = img[o + w]! - img[o - w]!;
    const mag = Math.sqrt(gx * gx + gy * gy) * Math.exp(-d2 / sig2);
    let a = Math.atan2(gy, gx);
    if (a < 0) a += 2 * Math.PI;
    const fb = (a / (2 * Math.PI)) * 36, b0 = Math.floor(fb) % 36, f = fb - Math.floor(fb);
    hist[b0]! += mag * (1 - f);
    hist[(b0 + 1) % 36]! += mag * f;
  }
  const sm = new Float32Array(36);
  for (let i = 0; i < 36; i++) sm[i] = (hist[(i + 35) % 36]! + 2 * hist[i]! + hist[(i + 1) % 36]!) / 4;
  let best = 0;
  for (let i = 1; i < 36; i++) if (sm[i]! > sm[best]!) best = i;
  const peak = (i: number) => {
    const l = sm[(i + 35) % 36]!, c = sm[i]!, r = sm[(i + 1) % 36]!;
    const den = l - 2 * c + r, off = den < 0 ? (0.5 * (l - r)) / den : 0;
    return (((i + 0.5 + off) / 36) * 2 * Math.PI) % (2 * Math.PI);
  };
  const out = [peak(best)];
  if (allowSecond) {
    let second = -1;
    for (let i = 0; i < 36; i++) {
      if (Math.abs(i - best) <= 2 || Math.abs(i - best) >= 34) continue;
      const l = sm[(i + 35) % 36]!, r = sm[(i + 1) % 36]!;
      if (sm[i]! > l && sm[i]! >= r && sm[i]! >= 0.8 * sm[best]! && (second < 0 || sm[i]! > sm[second]!)) second = i;
    }
    if (second >= 0) out.push(peak(second));
  }
  return out;
}

// Descriptor: a wide oriented window around the keypoint (DESC_SPAN x the corner's scale),
// sampled on a GRID x GRID lattice in grey and on a 4x4 lattice in two opponent colour
// channels; bits are "sample above the window's mean" (balanced, light-invariant) plus a few
// grey pair tests.
const SAMPLES = new Float32Array(GRID * GRID);
const SA = new Float32Array(16), SB = new Float32Array(16);
const MSAMPLES = new Float32Array(GRID * GRID);
const MSA = new Float32Array(16), MSB = new Float32Array(16);

export interface Planes { L: Float32Array; A: Float32Array; B: Float32Array; w: number; h: number }

function bitsOf(S: Float32Array, SAa: Float32Array, SBb: Float32Array, out: Uint32Array): void {
  const n = GRID * GRID;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += S[i]!;
  mean /= n;
  let k = 0;
  for (let i = 0; i < n && k < 64; i++, k++) if (S[i]! > mean) out[k >> 5]! |= 1 << (k & 31);
  for (let p = 0; p < 32; p++, k++) if (S[BRIEF_PAIRS[2 * p]!]! < S[BRIEF_PAIRS[2 * p + 1]!]!) out[k >> 5]! |= 1 << (k & 31);
  let ma = 0, mb = 0;
  for (let i = 0; i < 16; i++) { ma += SAa[i]!; mb += SBb[i]!; }
  ma /= 16; mb /= 16;
  for (let i = 0; i < 16; i++, k++) if (SAa[i]! > ma + 0.5) out[k >> 5]! |= 1 << (k & 31);
  for (let i = 0; i < 16; i++, k++) if (SBb[i]! > mb + 0.5) out[k >> 5]! |= 1 << (k & 31);
}

/** Samples the oriented descriptor window into SAMPLES (grey) and SA, SB (colour cells). */
function sampleWindow(P: Planes, cx: number, cy: number, radius: number, angle: number): void {
  const c = Math.cos(angle), s = Math.sin(angle), step = (2 * radius) / GRID;
  const { L, A, B, w, h } = P;
  SA.fill(0); SB.fill(0);
  for (let j = 0; j < GRID; j++) for (let i = 0; i < GRID; i++) {
    const u = -radius + (i + 0.5) * step, v = -radius + (j + 0.5) * step;
    const x = cx + c * u - s * v, y = cy + s * u + c * v;
    SAMPLES[j * GRID + i] = bilinear(L, w, h, x, y);
    const ci = (j >> 1) * 4 + (i >> 1);
    SA[ci]! += bilinear(A, w, h, x, y);
    SB[ci]! += bilinear(B, w, h, x, y);
  }
}

/**
 * The descriptor of a keypoint and, with `mirror`, the one the same point has in the mirror
 * image (where its orientation reads MIRROR_ANGLE - angle): the window's rows reversed. The
 * mirror's window is sampled at `angle - MIRROR_SKEW`, because the orientations carry a
 * half-bin bias (see orientations) that a mirror turns the other way.
 */
function describe(P: Planes, cx: number, cy: number, radius: number, angle: number, mirror: boolean): { d: Uint32Array; m?: Uint32Array } {
  sampleWindow(P, cx, cy, radius, angle);
  const d = new Uint32Array(DESC_WORDS);
  bitsOf(SAMPLES, SA, SB, d);
  if (!mirror) return { d };
  sampleWindow(P, cx, cy, radius, angle - MIRROR_SKEW);
  for (let j = 0; j < GRID; j++) for (let i = 0; i < GRID; i++) MSAMPLES[j * GRID + i] = SAMPLES[(GRID - 1 - j) * GRID + i]!;
  for (let j = 0; j < 4; j++) for (let i = 0; i < 4; i++) { MSA[j * 4 + i] = SA[(3 - j) * 4 + i]!; MSB[j * 4 + i] = SB[(3 - j) * 4 + i]!; }
  const m = new Uint32Array(DESC_WORDS);
  bitsOf(MSAMPLES, MSA, MSB, m);
  return { d, m };
}

export function extractKeypoints(rgb: Rgb, role: 'index' | 'query', fine = 0): Keypoint[] {
  const { w, h, data } = rgb;
  const n0 = w * h;
  const grey = new Float32Array(n0 * 3);
  for (let i = 0, o = 0; i < n0; i++, o += 3) {
    const r = data[o]!, g = data[o + 1]!, b = data[o + 2]!;
    grey[i * 3] = luma(r, g, b);
    grey[i * 3 + 1] = r - g;
    grey[i * 3 + 2] = (r + g) / 2 - b;
  }
  const budget = role === 'index' ? INDEX_KPS : QUERY_KPS;
  const border = PATCH_R + 2;
  // the descriptor planes (smoothed grey and colour) of a level are only sampled for the
  // keypoints of two levels below: computed on demand, never for the two finest levels
  const levels: { img: Float32Array; P?: Planes; L: Float32Array; A: Float32Array; B: Float32Array; w: number; h: number; f: number }[] = [];
  const planes = (l: number): Planes => {
    const Lv = levels[l]!;
    Lv.P ??= { L: blur(Lv.img, Lv.w, Lv.h, 3), A: blur(Lv.A, Lv.w, Lv.h, 4), B: blur(Lv.B, Lv.w, Lv.h, 4), w: Lv.w, h: Lv.h };
    return Lv.P;
  };
  let prev: Float32Array = grey, lw = w, lh = h;
  for (let l = 0; l < MAX_LEVELS + fine; l++) {
    const f = LEVEL_STEP ** l;
    const nw = Math.round(w / f), nh = Math.round(h / f);
    if (Math.min(nw, nh) < MIN_LEVEL_SIDE) break;
    const lab = l === 0 ? grey : resizeArea(prev, lw, lh, nw, nh, 3);
    const L = new Float32Array(nw * nh), A = new Float32Array(nw * nh), B = new Float32Array(nw * nh);
    for (let i = 0; i < nw * nh; i++) { L[i] = lab[i * 3]!; A[i] = lab[i * 3 + 1]!; B[i] = lab[i * 3 + 2]!; }
    const img = blur(L, nw, nh, 1);
    levels.push({ img, L, A, B, w: nw, h: nh, f });
    prev = lab; lw = nw; lh = nh;
  }
  // per level: candidates spread over a grid, then a quota per level
  // (a query's extra finer level comes on top of the budget of the usual ones)
  const weights = levels.map((_, l) => (l < fine ? 0 : 1 / (1 + 0.35 * (l - fine))));
  const wsum = weights.reduce((a, b) => a + b, 0);
  const out: Keypoint[] = [];
  levels.forEach((Lv, l) => {
    const quota = l < fine ? FINE_KPS : Math.round((budget * weights[l]!) / wsum);
    const cands = harris(Lv.img, Lv.w, Lv.h, border).sort((a, b) => b.r - a.r);
    const cell = 24, gw = Math.ceil(Lv.w / cell), perCell = new Uint8Array(gw * Math.ceil(Lv.h / cell));
    const picked: Cand[] = [];
    for (const c of cands) {
      const ci = Math.floor(c.y / cell) * gw + Math.floor(c.x / cell);
      if (perCell[ci]! >= 2) continue;
      perCell[ci]!++;
      picked.push(c);
      if (picked.length >= quota) break;
    }
    // the descriptor window is sampled two levels up (same physical size, smoother)
    const dl = Math.min(l + 2, levels.length - 1);
    for (const c of picked) {
      const angs = orientations(Lv.img, Lv.w, c.x, c.y, PATCH_R, role === 'query');
      const D = levels[dl]!, k = Lv.f / D.f;
      for (const a of angs) {
        const { d, m } = describe(planes(dl), c.x * k, c.y * k, DESC_SPAN * PATCH_R * k, a, role === 'query');
        out.push({ x: c.x * Lv.f, y: c.y * Lv.f, level: l, angle: a, desc: d, ...(m ? { mdesc: m } : {}), score: c.r });
      }
    }
  });
  return out;
}

// ------------------------------------------------------------------------------------------
// Global thumbnail

export function thumbnail(rgb: Rgb, box?: { x: number; y: number; w: number; h: number }, side = THUMB): Uint8Array {
  const { w, h, data } = rgb;
  const b = box ?? { x: 0, y: 0, w, h };
  const x0 = Math.round(b.x), y0 = Math.round(b.y), bw = Math.max(1, Math.round(b.w)), bh = Math.max(1, Math.round(b.h));
  const src = new Float32Array(bw * bh * 3);
  for (let y = 0; y < bh; y++) for (let x = 0; x < bw; x++) {
    const si = ((y0 + y) * w + x0 + x) * 3, di = (y * bw + x) * 3;
    src[di] = data[si]!; src[di + 1] = data[si + 1]!; src[di + 2] = data[si + 2]!;
  }
  const t = resizeArea(src, bw, bh, side, side, 3);
  const out = new Uint8Array(side * side * 3);
  for (let i = 0; i < out.length; i++) out[i] = Math.max(0, Math.min(255, Math.round(t[i]!)));
  return out;
}

/** The luminance (luma) of RGB cells, rounded to bytes. */
export function lumaThumb(rgb: Uint8Array): Uint8Array {
  const out = new Uint8Array(rgb.length / 3);
  for (let i = 0; i < out.length; i++) out[i] = Math.round(luma(rgb[3 * i]!, rgb[3 * i + 1]!, rgb[3 * i + 2]!));
  return out;
}

/**
 * RGB cells at the luminance thumbnail's resolution: its luminance, and the hues (each channel's
 * offset from the luminance) of the colour thumbnail's cell that holds the cell (a side half as
 * long). Into `out` (side^2 x 3).
 */
export function lumaChroma(y: Uint8Array, side: number, rgb: Uint8Array, out: Uint8Array): Uint8Array {
  const half = side >> 1;
  for (let j = 0; j < side; j++) for (let i = 0; i < side; i++) {
    const p = ((j >> 1) * half + (i >> 1)) * 3, o = (j * side + i) * 3, d = y[j * side + i]! - luma(rgb[p]!, rgb[p + 1]!, rgb[p + 2]!);
    for (let c = 0; c < 3; c++) out[o + c] = Math.max(0, Math.min(255, Math.round(rgb[p + c]! + d)));
  }
  return out;
}

/** The 2x2 average of a square RGB thumbnail (a 16x16 one from the stored 32x32: the same area averages, up to rounding). */
export function halveThumb(t: Uint8Array, side: number): Uint8Array {
  const h = side >> 1, out = new Uint8Array(h * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < h; x++) for (let c = 0; c < 3; c++) {
    const o = (2 * y * side + 2 * x) * 3 + c, r = side * 3;
    out[(y * h + x) * 3 + c] = (t[o]! + t[o + 3]! + t[o + r]! + t[o + r + 3]! + 2) >> 2;
  }
  return out;
}

// ------------------------------------------------------------------------------------------
// Public API

function packKeypoints(kps: Keypoint[], w: number, h: number): { k: Buffer; m?: Buffer } {
  const k = Buffer.alloc(kps.length * KP_BYTES);
  const hasM = kps.length > 0 && kps[0]!.mdesc !== undefined;
  const m = hasM ? Buffer.alloc(kps.length * 16) : undefined;
  kps.forEach((p, i) => {
    const o = i * KP_BYTES;
    k.writeUInt16LE(Math.min(65535, Math.round((p.x / w) * 65535)), o);
    k.writeUInt16LE(Math.min(65535, Math.round((p.y / h) * 65535)), o + 2);
    k.writeUInt8(p.level, o + 4);
    let a = p.angle % (2 * Math.PI);
    if (a < 0) a += 2 * Math.PI;
    k.writeUInt8(Math.round((a / (2 * Math.PI)) * 256) & 255, o + 5);
    for (let j = 0; j < DESC_WORDS; j++) k.writeUInt32LE(p.desc[j]! >>> 0, o + 6 + 4 * j);
    if (m) for (let j = 0; j < DESC_WORDS; j++) m.writeUInt32LE(p.mdesc![j]! >>> 0, i * 16 + 4 * j);
  });
  return m ? { k, m } : { k };
}

/**
 * Compute the features of an image (JPEG, PNG, WebP… anything sharp reads). One decode.
 * `role: 'query'` keeps more keypoints and adds their mirror-image descriptors;
 * `crop` (fractions of the auto-oriented image) restricts the features to a part of the photo.
 */
export async function computeImageFeatures(input: Buffer, opts: FeatureOptions = {}): Promise<ImageFeatures> {
  const role = opts.role ?? 'index';
  // A query photo with more pixels than the working size keeps them, with finer levels on top
  // (a motif small in a scene has its detail there, see MAX_FINE); a small one is not blown up
  // (see MIN_QUERY_SIDE).
  let fine = 0;
  const rgb = await decode(input, role === 'index' ? INDEX_SIZE : (longSide) => {
    const side = Math.min(longSide, Math.round(QUERY_SIZE * LEVEL_STEP ** MAX_FINE));
    if (side <= QUERY_SIZE) return Math.max(longSide, MIN_QUERY_SIDE);
    fine = Math.max(1, Math.round(Math.log(side / QUERY_SIZE) / Math.log(LEVEL_STEP)));
    return side;
  }, opts.crop, opts.limitInputPixels ?? 50_000_000);
  const kps = extractKeypoints(rgb, role, fine);
  const { k, m } = packKeypoints(kps, rgb.w, rgb.h);
  const g = Buffer.from(thumbnail(rgb, undefined, FINE_THUMB));
  const out: ImageFeatures = { v: FEATURE_VERSION, w: rgb.w, h: rgb.h, g: g.toString('base64'), k: k.toString('base64') };
  if (role === 'index') out.y = Buffer.from(lumaThumb(thumbnail(rgb, undefined, LUMA_THUMB))).toString('base64');
  if (m) out.m = m.toString('base64');
  if (role === 'query') {
    out.t = Buffer.from(thumbnail(rgb, undefined, QTHUMB)).toString('base64');
    Object.defineProperty(out, 'raster', { value: { data: rgb.data, w: rgb.w, h: rgb.h } satisfies Raster, enumerable: false });
  }
  return out;
}

/** Features of a query photo (more keypoints, mirror descriptors, optional crop box). */
export function computeQueryFeatures(input: Buffer, crop?: CropBox): Promise<ImageFeatures> {
  return computeImageFeatures(input, crop ? { role: 'query', crop } : { role: 'query' });
}

/** How many keypoints stored features hold. */
export function keypointCount(f: ImageFeatures): number {
  return Buffer.from(f.k, 'base64').length / KP_BYTES;
}

/** Approximate stored size in bytes (as JSON). */
export function featureSize(f: ImageFeatures): number {
  return JSON.stringify(f).length;
}
