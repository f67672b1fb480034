/**
 * The photo-feature upgrade. When the extractor changes (FEATURE_VERSION in
 * search/image/image-features.ts), the features stored before stay searchable (same descriptors,
 * fewer of them) and are recomputed here, in the background, from each image's stored display
 * file: a batch every few seconds, through the media queue (so uploads keep their turn), under a
 * lease (so with several instances one works at a time). At about 150 ms an image, 100 000
 * images take some 14 hours at this pace, using a quarter of one core; POST
 * /admin/search/reindex does the same at once.
 *
 * It runs shortly after start (never when JOBS_INTERVAL_SECONDS is 0) and stops once a pass finds
 * nothing left to do.
 */
import mongoose, { type Types } from 'mongoose';
import type { Config } from '../../config.js';
import type { Logger } from '../../lib/logger.js';
import { acquireLease, leaseHolder } from '../jobs/lease.js';
import { createMediaService, type MediaService } from '../media/media.service.js';
import { ImageFeature } from '../search/image-feature.model.js';
import { FEATURE_VERSION } from '../search/image/image-features.js';
import { indexStoredImage, removeImageFeatures } from './image-search.service.js';

const { trusted } = mongoose;

const BATCH = 20;
const ROUND_MS = 10_000;
const FIRST_ROUND_DELAY_MS = 30_000;
const LEASE_NAME = 'photo-feature-upgrade';

export interface UpgradeResult {
  /** Images whose features were recomputed. */
  upgraded: number;
  /** Rows whose image is no longer on its filing: marked removed (they matched nothing anyway). */
  dropped: number;
  /** Images that could not be read or decoded this time (left as they are, tried again next pass). */
  failed: number;
  /** The last row looked at: the next batch starts after it (undefined when the pass is over). */
  after?: Types.ObjectId;
}

/** Recomputes up to `limit` rows of older features, in _id order after `after`. */
export async function upgradeFeatures(deps: { media: MediaService; logger: Logger; limit?: number; after?: Types.ObjectId }): Promise<UpgradeResult> {
  const limit = deps.limit ?? BATCH;
  const filter: Record<string, unknown> = { deleted: false, 'features.v': trusted({ $ne: FEATURE_VERSION }) };
  if (deps.after) filter._id = trusted({ $gt: deps.after });
  const rows = await ImageFeature.find(filter, { _id: 1, applicationId: 1 }).sort({ _id: 1 }).limit(limit).lean<Array<{ _id: Types.ObjectId; applicationId: Types.ObjectId }>>();
  const result: UpgradeResult = { upgraded: 0, dropped: 0, failed: 0 };
  for (const row of rows) {
    try {
      const outcome = await indexStoredImage(deps.media, String(row.applicationId), String(row._id));
      if (outcome === 'indexed') result.upgraded++;
      else if (outcome === 'gone') {
        await removeImageFeatures(String(row._id));
        result.dropped++;
      }
    } catch (err) {
      result.failed++;
      deps.logger.warn({ err, imageId: String(row._id) }, 'could not recompute the photo features of an image');
    }
  }
  if (rows.length === limit) result.after = rows[rows.length - 1]!._id;
  return result;
}

export interface FeatureUpgrader {
  stop(): Promise<void>;
}

export function startFeatureUpgrade(deps: { config: Pick<Config, 'jobsIntervalMs' | 'mediaStore' | 'uploadsDir'>; logger: Logger; media?: MediaService }): FeatureUpgrader {
  const { config, logger } = deps;
  if (config.jobsIntervalMs <= 0) return { stop: async () => {} };
  const media = deps.media ?? createMediaService({ config, logger });
  const holder = leaseHolder();
  let running: Promise<unknown> | undefined;
  let after: Types.ObjectId | undefined;
  let pass = { upgraded: 0, dropped: 0, failed: 0 };
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const schedule = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(round, ms);
    timer.unref();
  };
  function round() {
    running = (async () => {
      if (!(await acquireLease(LEASE_NAME, holder, ROUND_MS * 3))) return schedule(ROUND_MS);
      const r = await upgradeFeatures({ media, logger, after });
      pass = { upgraded: pass.upgraded + r.upgraded, dropped: pass.dropped + r.dropped, failed: pass.failed + r.failed };
      after = r.after;
      if (after) return schedule(ROUND_MS);
      // A pass is over: done, unless some images failed (tried again in an hour).
      if (pass.upgraded || pass.dropped || pass.failed) logger.info({ ...pass, version: FEATURE_VERSION }, 'photo features upgraded');
      if (pass.failed) schedule(60 * 60_000);
      pass = { upgraded: 0, dropped: 0, failed: 0 };
    })()
      .catch((err: unknown) => {
        logger.error({ err }, 'photo feature upgrade failed');
        schedule(ROUND_MS * 6);
      })
      .finally(() => {
        running = undefined;
      });
  }
  schedule(FIRST_ROUND_DELAY_MS);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
