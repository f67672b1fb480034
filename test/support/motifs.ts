// Test/bench support: procedural craft motifs (same families as shared/tools/motifs.mjs, own
// renderer) and our OWN query alterations, one generator per kind of query the registry gets:
// mild, tilt, slant, photo, partial, scene (with and without the user's crop box).
// Pure sharp + JS on raw pixels; deterministic from a seed.
import sharp, { type Sharp } from 'sharp';

export type Rng = () => number;

export function makeRng(seed: number): Rng {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}
const pick = <T>(r: Rng, a: readonly T[]): T => a[Math.floor(r() * a.length)] as T;
const uni = (r: Rng, a: number, b: number) => a + (b - a) * r();

const PALETTES = [
  ['#f4ecd8', '#b22222', '#1b1b3a', '#d4a017'], ['#fdfaf2', '#1d4e89', '#ffffff', '#0a2342'],
  ['#efe6d2', '#2e7d32', '#c49a2c', '#3e2723'], ['#f7f1e3', '#6a1b9a', '#e65100', '#212121'],
  ['#e8dcc2', '#8d2d1a', '#e0b050', '#1a1a1a'], ['#ffffff', '#005f73', '#ee9b00', '#9b2226'],
  ['#f0e6cc', '#3d405b', '#e07a5f', '#81b29a'], ['#fbf7ef', '#264653', '#e9c46a', '#e76f51'],
] as const;

const star = (cx: number, cy: number, n: number, r1: number, r2: number, rot: number) =>
  Array.from({ length: 2 * n }, (_, i) => {
    const a = rot + (Math.PI * i) / n, r = i % 2 ? r2 : r1;
    return `${(cx + r * Math.cos(a)).toFixed(1)},${(cy + r * Math.sin(a)).toFixed(1)}`;
  }).join(' ');

type Family = (r: Rng, p: readonly string[], size: number) => string;
const FAMILIES: Record<string, Family> = {
  zellige(r, p, size) {
    const n = pick(r, [6, 8, 10, 12, 16]), k = 1 + Math.floor(r() * 3);
    let g = '';
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) {
      const c = size / k, cx = c * (i + 0.5), cy = c * (j + 0.5);
      g += `<polygon points="${star(cx, cy, n, c * 0.48, c * (0.22 + r() * 0.15), r())}" fill="${p[1]}"/>`;
      g += `<polygon points="${star(cx, cy, n, c * 0.3, c * 0.14, r())}" fill="${p[3]}"/>`;
      g += `<circle cx="${cx}" cy="${cy}" r="${c * 0.08}" fill="${p[2]}"/>`;
    }
    return g;
  },
  lozenge(r, p, size) {
    const rows = 2 + Math.floor(r() * 4), h = size / rows;
    let g = '';
    for (let y0 = 0; y0 < rows; y0++) for (let x0 = 0; x0 < rows; x0++) {
      const x = (x0 + 0.5) * h, y = (y0 + 0.5) * h, w = h * (0.35 + r() * 0.12);
      g += `<polygon points="${x},${y - w} ${x + w},${y} ${x},${y + w} ${x - w},${y}" fill="none" stroke="${p[(y0 + x0) % 2 ? 1 : 2]}" stroke-width="${h * 0.06}"/>`;
      if (r() < 0.6) g += `<polygon points="${x},${y - w / 2.5} ${x + w / 2.5},${y} ${x},${y + w / 2.5} ${x - w / 2.5},${y}" fill="${p[3]}"/>`;
    }
    return g;
  },
  rosette(r, p, size) {
    const petals = 6 + Math.floor(r() * 10), cx = size / 2;
    let g = `<circle cx="${cx}" cy="${cx}" r="${size * 0.46}" fill="none" stroke="${p[1]}" stroke-width="${size * 0.02}"/>`;
    for (let i = 0; i < petals; i++) {
      const a = (360 / petals) * i;
      g += `<ellipse cx="${cx}" cy="${cx - size * 0.22}" rx="${size * (0.04 + r() * 0.04)}" ry="${size * 0.17}" fill="${p[i % 2 ? 1 : 3]}" transform="rotate(${a} ${cx} ${cx})"/>`;
    }
    return g + `<circle cx="${cx}" cy="${cx}" r="${size * 0.07}" fill="${p[2]}"/>`;
  },
  amazigh(r, p, size) {
    const n = 3 + Math.floor(r() * 3), c = size / n;
    const glyphs: ((x: number, y: number, q: number) => string)[] = [
      (x, y, q) => `<circle cx="${x}" cy="${y}" r="${q}" fill="none" stroke="${p[1]}" stroke-width="${q * 0.25}"/><line x1="${x}" y1="${y - q}" x2="${x}" y2="${y + q}" stroke="${p[1]}" stroke-width="${q * 0.25}"/>`,
      (x, y, q) => `<path d="M${x - q},${y - q} L${x},${y} L${x - q},${y + q} M${x + q},${y - q} L${x},${y} L${x + q},${y + q}" stroke="${p[3]}" stroke-width="${q * 0.22}" fill="none"/>`,
      (x, y, q) => `<rect x="${x - q}" y="${y - q}" width="${2 * q}" height="${2 * q}" fill="none" stroke="${p[2] === '#ffffff' ? p[1] : p[2]}" stroke-width="${q * 0.22}"/><circle cx="${x}" cy="${y}" r="${q * 0.3}" fill="${p[3]}"/>`,
      (x, y, q) => `<path d="M${x},${y - q} L${x + q},${y + q} L${x - q},${y + q} Z" fill="${p[1]}"/>`,
      (x, y, q) => `<path d="M${x - q},${y} L${x + q},${y} M${x - q * 0.6},${y - q} L${x - q * 0.6},${y + q} M${x + q * 0.6},${y - q} L${x + q * 0.6},${y + q}" stroke="${p[3]}" stroke-width="${q * 0.22}"/>`,
    ];
    let g = '';
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) g += pick(r, glyphs)(c * (i + 0.5), c * (j + 0.5), c * 0.32);
    return g;
  },
  embroidery(r, p, size) {
    const cells = 12 + Math.floor(r() * 12), c = size / cells, half = Math.ceil(cells / 2);
    const mask = Array.from({ length: half }, () => Array.from({ length: half }, () => r() < 0.4));
    let g = '';
    for (let i = 0; i < cells; i++) for (let j = 0; j < cells; j++) {
      const a = i < half ? i : cells - 1 - i, b = j < half ? j : cells - 1 - j;
      if (mask[a]![b]) g += `<path d="M${i * c + 1},${j * c + 1} L${(i + 1) * c - 1},${(j + 1) * c - 1} M${(i + 1) * c - 1},${j * c + 1} L${i * c + 1},${(j + 1) * c - 1}" stroke="${p[((a + b) % 3) + 1]}" stroke-width="${c * 0.22}"/>`;
    }
    return g;
  },
};
export const FAMILY_NAMES = Object.keys(FAMILIES);

export interface Motif { id: string; family: string; jpeg: Buffer }

/** Render motif `index` of a seeded collection as a JPEG (q 92), like the registry's uploads. */
export async function renderMotif(seed: number, index: number, size = 384): Promise<Motif> {
  const r = makeRng((seed * 7919 + index * 104729 + 13) >>> 0);
  r(); r();
  const family = FAMILY_NAMES[index % FAMILY_NAMES.length]!;
  const p = pick(r, PALETTES);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}"><rect width="100%" height="100%" fill="${p[0]}"/>${FAMILIES[family]!(r, p, size)}</svg>`;
  const jpeg = await sharp(Buffer.from(svg)).jpeg({ quality: 92 }).toBuffer();
  return { id: `${family}-${seed}-${index}`, family, jpeg };
}

// ---------------------------------------------------------------------------------------------
// Raw-pixel helpers

export interface Raw { data: Uint8ClampedArray; w: number; h: number } // RGB

export async function toRaw(buf: Buffer): Promise<Raw> {
  const { data, info } = await sharp(buf).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), w: info.width, h: info.height };
}
export function fromRaw(img: Raw): Sharp {
  return sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.length), { raw: { width: img.w, height: img.h, channels: 3 } });
}

/** Solve the homography H (3x3, row-major, h33 = 1) with H * src_i ~ dst_i. */
export function homography(src: number[][], dst: number[][]): number[] {
  const A: number[][] = [];
  for (let i = 0; i < 4; i++) {
    const [x, y] = src[i]!, [u, v] = dst[i]!;
    A.push([x!, y!, 1, 0, 0, 0, -u! * x!, -u! * y!, u!]);
    A.push([0, 0, 0, x!, y!, 1, -v! * x!, -v! * y!, v!]);
  }
  for (let c = 0; c < 8; c++) {
    let piv = c;
    for (let r = c + 1; r < 8; r++) if (Math.abs(A[r]![c]!) > Math.abs(A[piv]![c]!)) piv = r;
    [A[c], A[piv]] = [A[piv]!, A[c]!];
    for (let r = 0; r < 8; r++) if (r !== c) {
      const f = A[r]![c]! / A[c]![c]!;
      for (let k = c; k < 9; k++) A[r]![k]! -= f * A[c]![k]!;
    }
  }
  const h = A.map((row, i) => row[8]! / row[i]!);
  return [...h, 1];
}

/**
 * Warp `src` into an outW x outH image where the source corners (TL, TR, BR, BL) land on
 * `quad`; pixels outside the source come from `bg` (a Raw of the output size) or a flat colour.
 */
export function warpInto(src: Raw, quad: number[][], outW: number, outH: number, bg: Raw | [number, number, number]): Raw {
  const Hm = homography(quad, [[0, 0], [src.w, 0], [src.w, src.h], [0, src.h]]); // dst -> src
  const out = new Uint8ClampedArray(outW * outH * 3);
  const s = src.data;
  for (let y = 0; y < outH; y++) for (let x = 0; x < outW; x++) {
    const X = x + 0.5, Y = y + 0.5;
    const d = Hm[6]! * X + Hm[7]! * Y + Hm[8]!;
    const u = (Hm[0]! * X + Hm[1]! * Y + Hm[2]!) / d - 0.5, v = (Hm[3]! * X + Hm[4]! * Y + Hm[5]!) / d - 0.5;
    const o = (y * outW + x) * 3;
    if (u >= 0 && v >= 0 && u <= src.w - 1 && v <= src.h - 1) {
      const x0 = Math.min(Math.floor(u), src.w - 2), y0 = Math.min(Math.floor(v), src.h - 2), fx = u - x0, fy = v - y0;
      const i00 = (y0 * src.w + x0) * 3, i01 = i00 + 3, i10 = i00 + src.w * 3, i11 = i10 + 3;
      for (let c = 0; c < 3; c++)
        out[o + c] = (s[i00 + c]! * (1 - fx) + s[i01 + c]! * fx) * (1 - fy) + (s[i10 + c]! * (1 - fx) + s[i11 + c]! * fx) * fy;
    } else if (Array.isArray(bg)) {
      out[o] = bg[0]; out[o + 1] = bg[1]; out[o + 2] = bg[2];
    } else {
      out[o] = bg.data[o]!; out[o + 1] = bg.data[o + 1]!; out[o + 2] = bg.data[o + 2]!;
    }
  }
  return { data: out, w: outW, h: outH };
}

function gauss(r: Rng): number {
  return Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
}

/** A cluttered "table / wall / market stall" background: gradient, blobs, stripes, noise. */
export function background(r: Rng, w: number, h: number): Raw {
  const out = new Uint8ClampedArray(w * h * 3);
  const base = [uni(r, 40, 220), uni(r, 40, 220), uni(r, 40, 200)];
  const g = [uni(r, -60, 60), uni(r, -60, 60), uni(r, -60, 60)];
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const t = (x / w + y / h) / 2, o = (y * w + x) * 3;
    for (let c = 0; c < 3; c++) out[o + c] = base[c]! + g[c]! * t;
  }
  const shapes = 6 + Math.floor(r() * 14);
  for (let k = 0; k < shapes; k++) {
    const col = [uni(r, 0, 255), uni(r, 0, 255), uni(r, 0, 255)], kind = r();
    const cx = uni(r, 0, w), cy = uni(r, 0, h), rx = uni(r, 0.03, 0.25) * w, ry = uni(r, 0.03, 0.25) * h, a = uni(r, 0.3, 0.9);
    for (let y = Math.max(0, Math.floor(cy - ry)); y < Math.min(h, cy + ry); y++)
      for (let x = Math.max(0, Math.floor(cx - rx)); x < Math.min(w, cx + rx); x++) {
        const dx = (x - cx) / rx, dy = (y - cy) / ry;
        const inside = kind < 0.4 ? dx * dx + dy * dy < 1 : kind < 0.7 ? true : Math.floor((x + y) / (rx / 3 + 2)) % 2 === 0;
        if (!inside) continue;
        const o = (y * w + x) * 3;
        for (let c = 0; c < 3; c++) out[o + c] = out[o + c]! * (1 - a) + col[c]! * a;
      }
  }
  const sigma = uni(r, 4, 16);
  for (let i = 0; i < out.length; i++) out[i] = out[i]! + gauss(r) * sigma;
  return { data: out, w, h };
}

// ---------------------------------------------------------------------------------------------
// Alterations. Each returns the query JPEG, and for scenes the true box of the motif (fractions).

export type AlterKind = 'mild' | 'tilt' | 'slant' | 'photo' | 'partial' | 'scene' | 'scene_box';
export const ALTER_KINDS: AlterKind[] = ['mild', 'tilt', 'slant', 'photo', 'partial', 'scene', 'scene_box'];
export interface Crop { x: number; y: number; w: number; h: number }
export interface Altered { kind: AlterKind; variant: string; jpeg: Buffer; crop?: Crop }

function dihedral(img: Sharp, k: number): Sharp {
  img = img.rotate((k % 4) * 90);
  return k >= 4 ? img.flop() : img;
}

async function mild(r: Rng, src: Buffer): Promise<Altered> {
  const v = pick(r, ['jpeg', 'blur', 'bright', 'dark', 'resize', 'rot', 'mirror', 'combo'] as const);
  const meta = await sharp(src).metadata();
  let img = sharp(src);
  let q = 85;
  if (v === 'jpeg') q = Math.round(uni(r, 20, 45));
  if (v === 'blur') img = img.blur(uni(r, 1, 2.2));
  if (v === 'bright') img = img.modulate({ brightness: uni(r, 1.1, 1.3) });
  if (v === 'dark') img = img.linear(uni(r, 0.65, 0.85), uni(r, 0, 10));
  if (v === 'resize') img = img.resize(Math.round(meta.width! * uni(r, 0.35, 0.7)));
  if (v === 'rot') img = img.rotate(90 * (1 + Math.floor(r() * 3)));
  if (v === 'mirror') img = r() < 0.5 ? img.flop() : img.flip();
  if (v === 'combo') {
    img = dihedral(img, Math.floor(r() * 8)).modulate({ brightness: uni(r, 0.85, 1.15), saturation: uni(r, 0.8, 1.2) });
    q = Math.round(uni(r, 40, 70));
  }
  return { kind: 'mild', variant: v, jpeg: await img.jpeg({ quality: q }).toBuffer() };
}

/** Quad of a w x h image rotated by `deg` about its centre, scaled by `s`, inside an outW x outH canvas. */
function rotatedQuad(w: number, h: number, deg: number, s: number, cx: number, cy: number): number[][] {
  const a = (deg * Math.PI) / 180, c = Math.cos(a) * s, sn = Math.sin(a) * s;
  return [[0, 0], [w, 0], [w, h], [0, h]].map(([x, y]) => {
    const dx = x! - w / 2, dy = y! - h / 2;
    return [cx + c * dx - sn * dy, cy + sn * dx + c * dy];
  });
}

async function tilt(r: Rng, src: Buffer): Promise<Altered> {
  const raw = await toRaw(src);
  const deg = (r() < 0.5 ? -1 : 1) * uni(r, 3, 15);
  // the photo frames the product with some of the table around it, or crops into it
  const frame = uni(r, 0.85, 1.25), outW = Math.round(raw.w * frame), outH = Math.round(raw.h * frame);
  const bg = r() < 0.5 ? background(r, outW, outH) : ([uni(r, 0, 255), uni(r, 0, 255), uni(r, 0, 255)] as [number, number, number]);
  const quad = rotatedQuad(raw.w, raw.h, deg, 1, outW / 2 + uni(r, -0.04, 0.04) * outW, outH / 2 + uni(r, -0.04, 0.04) * outH);
  const out = warpInto(raw, quad, outW, outH, bg);
  let img = fromRaw(out);
  if (r() < 0.3) img = dihedral(img, Math.floor(r() * 8));
  return { kind: 'tilt', variant: `${deg.toFixed(1)}deg`, jpeg: await img.jpeg({ quality: Math.round(uni(r, 60, 90)) }).toBuffer() };
}

function slantQuad(r: Rng, w: number, h: number, amount: number, outW: number, outH: number): number[][] {
  // a camera looking at the product from one side: one edge shorter than the other
  const side = Math.floor(r() * 4), k = amount * uni(r, 0.6, 1);
  const q = [[0, 0], [w, 0], [w, h], [0, h]].map(([x, y]) => [x!, y!]);
  const shrink = (i: number, j: number, axis: 0 | 1) => {
    // move corners i and j towards each other along axis
    const a = q[i]!, b = q[j]!, d = (b[axis]! - a[axis]!) * k * 0.5;
    a[axis] = a[axis]! + d; b[axis] = b[axis]! - d;
  };
  if (side === 0) shrink(0, 1, 0); else if (side === 1) shrink(1, 2, 1); else if (side === 2) shrink(3, 2, 0); else shrink(0, 3, 1);
  // jitter each corner a little, then fit in the output with a margin
  for (const p of q) { p[0] = p[0]! + uni(r, -0.03, 0.03) * w; p[1] = p[1]! + uni(r, -0.03, 0.03) * h; }
  const xs = q.map((p) => p[0]!), ys = q.map((p) => p[1]!);
  const x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(...ys), y1 = Math.max(...ys);
  const s = Math.min(outW / (x1 - x0), outH / (y1 - y0)) * uni(r, 0.85, 1.05);
  return q.map(([x, y]) => [outW / 2 + (x! - (x0 + x1) / 2) * s, outH / 2 + (y! - (y0 + y1) / 2) * s]);
}

async function slant(r: Rng, src: Buffer): Promise<Altered> {
  const raw = await toRaw(src);
  const amount = uni(r, 0.15, 0.4);
  const quad = slantQuad(r, raw.w, raw.h, amount, raw.w, raw.h);
  const bg = [uni(r, 0, 255), uni(r, 0, 255), uni(r, 0, 255)] as [number, number, number];
  let img = fromRaw(warpInto(raw, quad, raw.w, raw.h, r() < 0.5 ? background(r, raw.w, raw.h) : bg));
  if (r() < 0.3) img = dihedral(img, Math.floor(r() * 8));
  return { kind: 'slant', variant: `k${amount.toFixed(2)}`, jpeg: await img.jpeg({ quality: Math.round(uni(r, 65, 90)) }).toBuffer() };
}

function warmNoise(r: Rng, img: Raw, sigma: number): void {
  const gainR = uni(r, 1.03, 1.15), gainG = uni(r, 0.95, 1.02), gainB = uni(r, 0.7, 0.88), gamma = uni(r, 0.85, 1.2);
  const expo = uni(r, 0.75, 1.1), vign = uni(r, 0, 0.35);
  const d = img.data;
  for (let y = 0; y < img.h; y++) for (let x = 0; x < img.w; x++) {
    const dx = x / img.w - 0.5, dy = y / img.h - 0.5, v = 1 - vign * (dx * dx + dy * dy) * 2;
    const o = (y * img.w + x) * 3;
    const g = [gainR, gainG, gainB];
    for (let c = 0; c < 3; c++) d[o + c] = 255 * Math.pow((d[o + c]! / 255) * g[c]! * expo * v, gamma) + gauss(r) * sigma;
  }
}

async function photo(r: Rng, src: Buffer): Promise<Altered> {
  const raw = await toRaw(src);
  const scale = uni(r, 1.2, 3), outW = Math.round(raw.w * uni(r, 0.95, 1.2) * scale), outH = Math.round(raw.h * uni(r, 0.95, 1.2) * scale);
  let quad = slantQuad(r, raw.w, raw.h, uni(r, 0.04, 0.15), outW, outH);
  const deg = uni(r, -6, 6), a = (deg * Math.PI) / 180;
  quad = quad.map(([x, y]) => {
    const dx = x! - outW / 2, dy = y! - outH / 2;
    return [outW / 2 + Math.cos(a) * dx - Math.sin(a) * dy, outH / 2 + Math.sin(a) * dx + Math.cos(a) * dy];
  });
  const out = warpInto(raw, quad, outW, outH, background(r, outW, outH));
  warmNoise(r, out, uni(r, 3, 10));
  let img = fromRaw(out);
  if (r() < 0.5) img = img.blur(uni(r, 0.6, 1.4));
  if (r() < 0.3) img = dihedral(img, Math.floor(r() * 8));
  return { kind: 'photo', variant: `x${scale.toFixed(1)}`, jpeg: await img.jpeg({ quality: Math.round(uni(r, 55, 85)) }).toBuffer() };
}

async function partial(r: Rng, src: Buffer): Promise<Altered> {
  const meta = await sharp(src).metadata();
  const W = meta.width!, H = meta.height!;
  const fw = uni(r, 0.3, 0.5), fh = Math.min(0.55, Math.max(0.28, fw * uni(r, 0.75, 1.33)));
  const corner = r() < 0.6;
  const w = Math.round(W * fw), h = Math.round(H * fh);
  const left = corner ? (r() < 0.5 ? 0 : W - w) : Math.floor(r() * (W - w)), top = corner ? (r() < 0.5 ? 0 : H - h) : Math.floor(r() * (H - h));
  let img = sharp(await sharp(src).extract({ left, top, width: w, height: h }).toBuffer());
  const v = pick(r, ['plain', 'upscale', 'rot', 'warm'] as const);
  if (v === 'upscale') img = img.resize(Math.round(w * uni(r, 1.5, 3)));
  if (v === 'rot') img = dihedral(img, 1 + Math.floor(r() * 7));
  if (v === 'warm') img = img.tint({ r: 255, g: 225, b: 180 }).modulate({ brightness: uni(r, 0.85, 1.1) });
  return { kind: 'partial', variant: `${corner ? 'corner' : 'region'}-${v}-${fw.toFixed(2)}`, jpeg: await img.jpeg({ quality: Math.round(uni(r, 60, 88)) }).toBuffer() };
}

async function scene(r: Rng, src: Buffer, withBox: boolean): Promise<Altered> {
  const raw = await toRaw(src);
  const outW = Math.round(uni(r, 900, 1400)), outH = Math.round(outW * uni(r, 0.65, 1.0));
  const frac = uni(r, 0.2, 0.4), side = frac * Math.max(outW, outH);
  const s = side / raw.w, deg = uni(r, -8, 8);
  const cx = uni(r, side * 0.6, outW - side * 0.6), cy = uni(r, side * 0.6, outH - side * 0.6);
  let quad = rotatedQuad(raw.w, raw.h, deg, s, cx, cy);
  if (r() < 0.5) {
    // a little perspective too
    quad = quad.map(([x, y]) => [x! + uni(r, -0.04, 0.04) * side, y! + uni(r, -0.04, 0.04) * side]);
  }
  const out = warpInto(raw, quad, outW, outH, background(r, outW, outH));
  if (r() < 0.6) warmNoise(r, out, uni(r, 2, 8));
  const xs = quad.map((p) => p[0]!), ys = quad.map((p) => p[1]!);
  // the box a user would draw: around the motif, a little loose
  const pad = uni(r, 0, 0.06) * side;
  const bx0 = Math.max(0, Math.min(...xs) - pad), by0 = Math.max(0, Math.min(...ys) - pad);
  const bx1 = Math.min(outW, Math.max(...xs) + pad), by1 = Math.min(outH, Math.max(...ys) + pad);
  const crop = { x: bx0 / outW, y: by0 / outH, w: (bx1 - bx0) / outW, h: (by1 - by0) / outH };
  const jpeg = await fromRaw(out).jpeg({ quality: Math.round(uni(r, 60, 85)) }).toBuffer();
  return { kind: withBox ? 'scene_box' : 'scene', variant: `f${frac.toFixed(2)}`, jpeg, ...(withBox ? { crop } : {}) };
}

export async function alter(kind: AlterKind, src: Buffer, seed: number): Promise<Altered> {
  const r = makeRng(seed * 2654435761 + 12345);
  r(); r();
  switch (kind) {
    case 'mild': return mild(r, src);
    case 'tilt': return tilt(r, src);
    case 'slant': return slant(r, src);
    case 'photo': return photo(r, src);
    case 'partial': return partial(r, src);
    case 'scene': return scene(r, src, false);
    case 'scene_box': return scene(r, src, true);
  }
}
