/**
 * Media on the local disk under UPLOADS_DIR, fanned out by the first two hex digits of the key.
 * Each object is written to a temporary file and renamed into place, so a reader never sees a
 * half-written file and a crash leaves at most a stray temporary file (in `.tmp/`, cleaned at start).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { assertKey, type MediaStorage, type StoredEntry } from './media-storage.js';

export function createLocalStorage(root: string): MediaStorage {
  const tmpDir = path.join(root, '.tmp');
  const pathOf = (key: string) => {
    assertKey(key);
    return path.join(root, key.slice(0, 2), key);
  };
  let ready: Promise<void> | undefined;
  const prepare = () =>
    (ready ??= (async () => {
      await fsp.mkdir(tmpDir, { recursive: true });
      // Temporary files older than an hour are left over from a crash.
      for (const name of await fsp.readdir(tmpDir)) {
        const file = path.join(tmpDir, name);
        const stat = await fsp.stat(file).catch(() => undefined);
        if (stat && Date.now() - stat.mtimeMs > 3_600_000) await fsp.rm(file, { force: true });
      }
    })());

  const exists = async (key: string) =>
    fsp
      .access(pathOf(key))
      .then(() => true)
      .catch(() => false);

  async function entries(): Promise<StoredEntry[]> {
    const out: StoredEntry[] = [];
    const dirs = await fsp.readdir(root).catch(() => [] as string[]);
    for (const dir of dirs) {
      if (!/^[a-f0-9]{2}$/.test(dir)) continue;
      for (const name of await fsp.readdir(path.join(root, dir))) {
        const stat = await fsp.stat(path.join(root, dir, name)).catch(() => undefined);
        if (stat) out.push({ key: name, storedAt: stat.mtime });
      }
    }
    return out;
  }

  return {
    async put(key, data) {
      const target = pathOf(key);
      if (await exists(key)) {
        // The bytes are about to be referenced again: make them recent for the orphan sweep.
        const now = new Date();
        await fsp.utimes(target, now, now).catch(() => undefined);
        return { created: false };
      }
      await prepare();
      await fsp.mkdir(path.dirname(target), { recursive: true });
      const tmp = path.join(tmpDir, `${key}.${randomBytes(6).toString('hex')}`);
      try {
        await fsp.writeFile(tmp, data, { flag: 'wx', mode: 0o640 });
        await fsp.rename(tmp, target);
      } catch (err) {
        await fsp.rm(tmp, { force: true });
        throw err;
      }
      return { created: true };
    },
    async get(key) {
      const file = pathOf(key);
      if (!(await exists(key))) return undefined;
      return fs.createReadStream(file) as Readable;
    },
    exists,
    async delete(key) {
      await fsp.rm(pathOf(key), { force: true });
    },
    async list() {
      return (await entries()).map((e) => e.key);
    },
    entries,
    async removeIncomplete(before) {
      let removed = 0;
      for (const name of await fsp.readdir(tmpDir).catch(() => [] as string[])) {
        const file = path.join(tmpDir, name);
        const stat = await fsp.stat(file).catch(() => undefined);
        if (stat && stat.mtime < before) {
          await fsp.rm(file, { force: true });
          removed++;
        }
      }
      return removed;
    },
  };
}
