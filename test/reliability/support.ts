/**
 * Shared by the reliability suite: distinct small images, a temporary folder per test, and a
 * look inside a stopped server's data (its embedded store opened in this process, its uploads
 * folder listed) to prove that nothing half-written is left.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MongoClient, type Document } from 'mongodb';
import sharp from 'sharp';
import { startEmbeddedStore } from '../../server/db/embedded/index.js';

export const ADMIN = { email: 'reliability.admin@example.ma', password: 'reliability-admin-password' };
export const SESSION_SECRET = 'reliability-session-secret-0123456789abcdef';

export const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** A folder under the system's temp dir, removed by the returned function. */
export function tempDir(label: string): { dir: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `naqsh-${label}-`));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** `count` different JPEGs (different bytes, so different content-addressed keys), 160×120. */
export async function distinctJpegs(count: number, seed = 0): Promise<Buffer[]> {
  return Promise.all(
    Array.from({ length: count }, (_, i) => {
      const n = i + seed * 1000;
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="160" height="120"><rect width="160" height="120" fill="hsl(${(n * 37) % 360},55%,75%)"/>` +
        `<circle cx="${20 + (n % 120)}" cy="${20 + ((n * 7) % 80)}" r="${10 + (n % 25)}" fill="hsl(${(n * 91) % 360},70%,30%)"/><text x="8" y="110" font-size="14">${n}</text></svg>`;
      return sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toBuffer();
    }),
  );
}

export interface StoredState {
  applications: Document[];
  auditEvents: number;
  /** Every media key on disk under UPLOADS_DIR (not counting `.tmp/`). */
  files: string[];
  /** Leftover temporary files in UPLOADS_DIR/.tmp. */
  tempFiles: string[];
}

/** Reads a stopped server's database (embedded store in `dataDir`) and lists its uploads folder. */
export async function readStoppedServer(dataDir: string, uploadsDir: string): Promise<StoredState> {
  const store = await startEmbeddedStore({ dir: dataDir });
  const client = await MongoClient.connect(store.uri);
  try {
    const db = client.db('naqsh');
    const applications = await db.collection('applications').find({}).toArray();
    const auditEvents = await db.collection('audit_events').countDocuments({});
    const files: string[] = [];
    for (const sub of fs.existsSync(uploadsDir) ? fs.readdirSync(uploadsDir) : []) {
      if (!/^[a-f0-9]{2}$/.test(sub)) continue;
      files.push(...fs.readdirSync(path.join(uploadsDir, sub)));
    }
    const tmp = path.join(uploadsDir, '.tmp');
    const tempFiles = fs.existsSync(tmp) ? fs.readdirSync(tmp) : [];
    return { applications, auditEvents, files, tempFiles };
  } finally {
    await client.close();
    await store.close();
  }
}

/** The media keys a stored application refers to. */
export function referencedKeys(application: Document): string[] {
  const keys: string[] = [];
  for (const image of (application.images ?? []) as Array<{ files: Record<string, string> }>) keys.push(...Object.values(image.files));
  for (const doc of (application.documents ?? []) as Array<{ file: string }>) keys.push(doc.file);
  return keys;
}
