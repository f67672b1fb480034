/**
 * Seeds a running Naqsh with public records through its API (POST /admin/import as the admin),
 * so the benchmarks and load tests read pages that exist: `count` registered records in batches
 * of 200, the first `withImages` of them with one small generated JPEG each (thumbnails in
 * search results), titles drawn from a small vocabulary so text searches find tens of hits.
 */
import sharp from 'sharp';
import { API, type Session } from './client.js';

export const CRAFTS = ['carpet', 'pottery', 'zellige', 'embroidery', 'jewelry', 'leather', 'wood', 'metal', 'basketry', 'textile'];
export const REGIONS = ['fes-meknes', 'marrakech-safi', 'souss-massa', 'oriental', 'draa-tafilalet', 'casablanca-settat'];
const WORDS_FR = ['tapis', 'rosace', 'étoile', 'losange', 'bordure', 'tresse', 'médaillon', 'arabesque', 'damier', 'palmette', 'zigzag', 'chevron'];
const WORDS_AR = ['زربية', 'نجمة', 'معين', 'زخرفة', 'ضفيرة', 'وردة', 'قوس', 'شبكة'];
export const SEARCH_TERMS = ['tapis', 'rosace étoile', 'زربية', 'losange bordure', 'médaillon', 'نجمة زخرفة'];

export interface Seeded {
  /** Registration numbers of the imported records. */
  numbers: string[];
  terms: string[];
}

async function smallJpeg(i: number): Promise<Buffer> {
  const hue = (i * 47) % 360;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256"><rect width="256" height="256" fill="hsl(${hue},60%,80%)"/>` +
    `<polygon points="128,${20 + (i % 30)} 236,128 128,236 20,128" fill="hsl(${(hue + 180) % 360},70%,35%)"/><circle cx="128" cy="128" r="${20 + (i % 40)}" fill="#fff"/></svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 80 }).toBuffer();
}

/** Imports `count` registered records; throws if any record fails. */
export async function seedPublicRecords(admin: Session, count: number, withImages = 20, prefix = 'BENCH'): Promise<Seeded> {
  const numbers: string[] = [];
  for (let start = 0; start < count; start += 200) {
    const manifest: unknown[] = [];
    const files: Array<{ field: string; data: Buffer; fileName: string; type: string }> = [];
    files.push({ field: 'manifest', data: Buffer.alloc(0), fileName: 'manifest.json', type: 'application/json' });
    for (let i = start; i < Math.min(count, start + 200); i++) {
      const number = `${prefix}-${String(i).padStart(6, '0')}`;
      const w = (k: number) => WORDS_FR[(i * 7 + k * 3) % WORDS_FR.length];
      const images = i < withImages ? [`img-${i}.jpg`] : [];
      if (images.length) files.push({ field: 'images', data: await smallJpeg(i), fileName: images[0]!, type: 'image/jpeg' });
      manifest.push({
        protectionType: i % 3 === 0 ? 'industrial_design' : 'collective_mark',
        status: 'registered',
        registrationNumber: number,
        title: { fr: `${w(0)} ${w(1)} n° ${i}`, ar: `${WORDS_AR[i % WORDS_AR.length]} ${WORDS_AR[(i * 5) % WORDS_AR.length]}` },
        description: { fr: `Motif de ${w(2)} et ${w(3)}, tissé à la main.` },
        craft: CRAFTS[i % CRAFTS.length],
        region: REGIONS[i % REGIONS.length],
        images,
      });
      numbers.push(number);
    }
    files[0]!.data = Buffer.from(JSON.stringify(manifest));
    const res = await admin.multipart(`${API}/admin/import`, files);
    if (res.status !== 200 || res.body.imported !== manifest.length) {
      throw new Error(`import of records ${start}… answered ${res.status}: ${res.text.slice(0, 500)}`);
    }
  }
  return { numbers, terms: SEARCH_TERMS };
}
