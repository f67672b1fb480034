/**
 * The orphan media sweep. Files are written before the record that references them (see
 * media.service.ts): a failed request removes its own files, but a crash between the two writes
 * leaves a file that no record references. The sweep removes stored files older than a grace
 * period that no application references, and leftovers of interrupted writes.
 *
 * Why it cannot remove a file in use:
 * - the grace period (an hour) is far longer than the time between an upload's file writes and
 *   its record write (images are processed before any file is written);
 * - keys are content-addressed, so a new upload may reuse an old orphan's bytes: storing bytes
 *   that are already there makes them recent again (MediaStorage.put), and each orphan's age and
 *   references are checked once more just before it is removed.
 *
 * It runs a minute after start and then every six hours (never when JOBS_INTERVAL_SECONDS is 0),
 * under a lease, so with several instances on one database one of them sweeps each round.
 */
import type { Config } from '../../config.js';
import type { Logger } from '../../lib/logger.js';
import { Application } from '../applications/application.model.js';
import { acquireLease, leaseHolder } from '../jobs/lease.js';
import { createMediaStorage } from './storage/create-storage.js';
import type { MediaStorage } from './storage/media-storage.js';

export const ORPHAN_GRACE_MS = 60 * 60_000;
const FIRST_SWEEP_DELAY_MS = 60_000;
const SWEEP_INTERVAL_MS = 6 * 60 * 60_000;
const LEASE_NAME = 'media-orphan-sweep';

/** Where applications keep media keys: the four files of each image, and each document. */
const KEY_PATHS = ['images.files.original', 'images.files.thumb', 'images.files.display', 'images.files.publicDisplay', 'documents.file'];

interface FileKeys {
  images?: Array<{ files?: Record<string, string | undefined> }>;
  documents?: Array<{ file?: string }>;
}

/** The keys among `candidates` that some application references (one pass over the collection). */
async function referenced(candidates: Set<string>): Promise<Set<string>> {
  const found = new Set<string>();
  const cursor = Application.find({}).select({ 'images.files': 1, 'documents.file': 1 }).lean<FileKeys>().cursor();
  for await (const app of cursor) {
    for (const image of app.images ?? []) for (const key of Object.values(image.files ?? {})) if (key && candidates.has(key)) found.add(key);
    for (const doc of app.documents ?? []) if (doc.file && candidates.has(doc.file)) found.add(doc.file);
  }
  return found;
}

const isReferenced = async (key: string) => Boolean(await Application.exists({ $or: KEY_PATHS.map((p) => ({ [p]: key })) }));

export interface SweepResult {
  /** Stored files older than the grace period. */
  examined: number;
  /** Keys removed because nothing referenced them. */
  removed: string[];
  /** Leftovers of interrupted writes removed (local temporary files, GridFS chunks without a file). */
  incomplete: number;
}

export async function sweepOrphanMedia(deps: { storage: MediaStorage; logger: Logger; graceMs?: number; now?: Date }): Promise<SweepResult> {
  const { storage, logger } = deps;
  const graceMs = deps.graceMs ?? ORPHAN_GRACE_MS;
  const cutoff = new Date((deps.now ?? new Date()).getTime() - graceMs);
  const incomplete = await storage.removeIncomplete(cutoff);

  const old = new Set((await storage.entries()).filter((e) => e.storedAt < cutoff).map((e) => e.key));
  const removed: string[] = [];
  if (old.size > 0) {
    const used = await referenced(old);
    const orphans = [...old].filter((k) => !used.has(k));
    if (orphans.length > 0) {
      // Just before removing: still old (no upload has stored the same bytes since) and still unreferenced.
      const storedAt = new Map((await storage.entries()).map((e) => [e.key, e.storedAt]));
      for (const key of orphans) {
        const at = storedAt.get(key);
        if (!at || at >= cutoff || (await isReferenced(key))) continue;
        await storage.delete(key);
        removed.push(key);
      }
    }
  }
  if (removed.length || incomplete) logger.info({ removed: removed.length, keys: removed.slice(0, 20), incomplete }, 'orphan media swept');
  return { examined: old.size, removed, incomplete };
}

export interface MediaSweeper {
  stop(): Promise<void>;
}

export function startMediaSweep(deps: { config: Pick<Config, 'jobsIntervalMs' | 'mediaStore' | 'uploadsDir'>; logger: Logger; storage?: MediaStorage }): MediaSweeper {
  const { config, logger } = deps;
  if (config.jobsIntervalMs <= 0) return { stop: async () => {} };
  const storage = deps.storage ?? createMediaStorage(config);
  const holder = leaseHolder();
  let running: Promise<unknown> | undefined;

  const round = () => {
    if (running) return;
    running = (async () => {
      // The lease is kept for most of the interval: one sweep per round across instances.
      if (!(await acquireLease(LEASE_NAME, holder, SWEEP_INTERVAL_MS - 60_000))) return;
      await sweepOrphanMedia({ storage, logger });
    })()
      .catch((err: unknown) => logger.error({ err }, 'orphan media sweep failed'))
      .finally(() => {
        running = undefined;
      });
  };
  const first = setTimeout(round, FIRST_SWEEP_DELAY_MS);
  const every = setInterval(round, SWEEP_INTERVAL_MS);
  first.unref();
  every.unref();
  return {
    async stop() {
      clearTimeout(first);
      clearInterval(every);
      await running;
    },
  };
}
