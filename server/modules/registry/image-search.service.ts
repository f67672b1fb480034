/**
 * Photo search over every stored image. Features are computed once per image when it is stored
 * (media's image-processed hook, 'image.stored' events, the bulk import, or a backfill) and kept
 * in the `image_features` collection; each app instance holds them in an in-memory ImageIndex
 * (search/image/image-index.ts: hashed local descriptors, then a finer re-ranking), a cache of the
 * collection that follows it as lib/collection-cache.ts describes: loaded on first use, this
 * instance's own writes applied as they are made, and what any instance writes (a removal is a
 * tombstone row) or deletes outright seen within about a second.
 */
import { Types } from 'mongoose';
import mongoose from 'mongoose';
import { CollectionCache } from '../../lib/collection-cache.js';
import type { Logger } from '../../lib/logger.js';
import { Application, type ApplicationDoc } from '../applications/application.model.js';
import { toImageRejection } from '../media/image-pipeline.js';
import { imageQueue, type MediaService } from '../media/media.service.js';
import { ImageFeature, type ImageFeatureDoc } from '../search/image-feature.model.js';
import { computeImageFeatures, computeQueryFeatures, FEATURE_VERSION, type CropBox, type ImageFeatures } from '../search/image/image-features.js';
import { ImageIndex, type ImageMatch } from '../search/image/image-index.js';
import { entriesById } from '../search/search.service.js';
import type { RegistryEntryDoc } from '../search/registry-entry.model.js';

const { trusted } = mongoose;

type FeatureRow = Pick<ImageFeatureDoc, '_id' | 'applicationId' | 'features' | 'deleted' | 'updatedAt'>;

class FeatureCache {
  index = new ImageIndex();
  /** image id → application id */
  appOf = new Map<string, string>();
  private readonly rows = new CollectionCache<FeatureRow>({
    model: ImageFeature,
    apply: (row) => {
      const id = String(row._id);
      if (row.deleted || !row.features) {
        this.drop(id);
        return;
      }
      this.index.add(id, row.features);
      this.appOf.set(id, String(row.applicationId));
    },
    remove: (id) => this.drop(id),
    clear: () => {
      this.index = new ImageIndex();
      this.appOf.clear();
    },
    // Rows written by another instance whose clock lags ours still show up within this window.
    clockSkewMs: 30_000,
    // Features are some kilobytes a row: fewer rows a read.
    batchSize: 500,
  });

  private drop(id: string): void {
    this.index.remove(id);
    this.appOf.delete(id);
  }

  /** Applies a row this instance wrote (features or a tombstone), unless a newer one was applied. */
  apply(row: FeatureRow): void {
    this.rows.apply(row);
  }

  /** Loads the features on first use, then follows the collection (at most one look a second). */
  async refresh(): Promise<void> {
    await this.rows.refresh();
  }
}

const cache = new FeatureCache();

/** Stores the features of one image and adds them to this instance's index. */
export async function storeImageFeatures(applicationId: string, imageId: string, features: ImageFeatures): Promise<void> {
  const _id = new Types.ObjectId(imageId);
  const row = await ImageFeature.findOneAndUpdate(
    { _id },
    { $set: { applicationId: new Types.ObjectId(applicationId), features, deleted: false } },
    { upsert: true, returnDocument: 'after' },
  ).lean<ImageFeatureDoc>();
  if (row) cache.apply(row);
}

/** Computes (bounded by the media queue) and stores the features of an image's bytes. */
export async function indexImageBytes(applicationId: string, imageId: string, bytes: Buffer): Promise<void> {
  const features = await imageQueue.run(() => computeImageFeatures(bytes));
  await storeImageFeatures(applicationId, imageId, features);
}

/** Marks an image's features removed (other instances drop it at their next refresh). */
export async function removeImageFeatures(imageId: string): Promise<void> {
  const row = await ImageFeature.findOneAndUpdate({ _id: new Types.ObjectId(imageId) }, { $set: { deleted: true }, $unset: { features: '' } }, { returnDocument: 'after' }).lean<ImageFeatureDoc>();
  if (row) cache.apply(row);
}

async function readAll(media: MediaService, key: string): Promise<Buffer | undefined> {
  const stream = await media.open(key);
  if (!stream) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Indexes one stored image from its display file, when no listener got its bytes or its features
 * are of an older version: 'indexed', 'current' (nothing to do) or 'gone' (the image is no longer
 * on the filing, or its file is missing).
 */
export async function indexStoredImage(media: MediaService, applicationId: string, imageId: string): Promise<'indexed' | 'current' | 'gone'> {
  if (await ImageFeature.exists({ _id: new Types.ObjectId(imageId), deleted: false, 'features.v': FEATURE_VERSION })) return 'current';
  const app = await Application.findOne({ _id: new Types.ObjectId(applicationId), 'images._id': new Types.ObjectId(imageId) }, { images: 1 }).lean<ApplicationDoc>();
  const image = app?.images.find((i) => String(i._id) === imageId);
  const key = image?.files.display ?? image?.files.original;
  const bytes = key ? await readAll(media, key) : undefined;
  if (!bytes) return 'gone';
  await indexImageBytes(applicationId, imageId, bytes);
  return 'indexed';
}

/** Computes the features of every filed image that has none yet, or features of an older version (after a restore or an upgrade). */
export async function backfillImageFeatures(media: MediaService, logger: Logger): Promise<number> {
  let done = 0;
  const cursor = Application.find({ status: trusted({ $ne: 'draft' }), 'images.0': trusted({ $exists: true }) }, { images: 1 }).lean<ApplicationDoc>().cursor({ batchSize: 100 });
  for await (const app of cursor) {
    for (const image of app.images) {
      try {
        if ((await indexStoredImage(media, String(app._id), String(image._id))) === 'indexed') done++;
      } catch (err) {
        logger.warn({ err, imageId: String(image._id) }, 'could not compute the features of an image');
      }
    }
  }
  return done;
}

export interface ImageHit {
  entry: RegistryEntryDoc;
  imageId: string;
  match: ImageMatch;
}

export interface ImageQuery {
  image: Buffer;
  crop?: CropBox;
  statuses: string[];
  craft?: string;
  region?: string;
  protectionType?: string;
  limit: number;
  excludeApplicationIds?: string[];
  /** Only images the public may see (not those of sensitive heritage entries). */
  publicImagesOnly: boolean;
}

/** Features of a query photo (more keypoints, mirrored descriptors, optional crop box). */
export async function queryFeatures(image: Buffer, crop?: CropBox): Promise<ImageFeatures> {
  try {
    return await imageQueue.run(() => computeQueryFeatures(image, crop));
  } catch (err) {
    // A damaged photo or a decompression bomb is the sender's problem (400/413), not a 500.
    throw toImageRejection(err, 'The photo');
  }
}

/** The records whose images look most like the photo, best first (one hit per record). */
export async function searchByFeatures(features: ImageFeatures, q: Omit<ImageQuery, 'image' | 'crop'>): Promise<ImageHit[]> {
  await cache.refresh();
  const matches = cache.index.query(features, { limit: Math.max(60, q.limit * 4) });
  const byApp = new Map<string, { imageId: string; match: ImageMatch }>();
  for (const match of matches) {
    const appId = cache.appOf.get(match.id);
    if (!appId || q.excludeApplicationIds?.includes(appId)) continue;
    const best = byApp.get(appId);
    if (!best || match.similarity > best.match.similarity) byApp.set(appId, { imageId: match.id, match });
  }
  const entries = await entriesById([...byApp.keys()].map((id) => new Types.ObjectId(id)), q.statuses, { ...q, includeUnpublished: !q.publicImagesOnly });
  const hits: ImageHit[] = [];
  for (const [appId, { imageId, match }] of byApp) {
    const entry = entries.get(appId);
    if (!entry) continue;
    const images = q.publicImagesOnly ? entry.imageIds : entry.allImageIds;
    if (!images.some((i) => String(i) === imageId)) continue;
    hits.push({ entry, imageId, match });
  }
  hits.sort((a, b) => b.match.similarity - a.match.similarity);
  return hits.slice(0, q.limit);
}

export async function searchByImage(q: ImageQuery): Promise<ImageHit[]> {
  const features = await queryFeatures(q.image, q.crop);
  return searchByFeatures(features, q);
}

/** Stored features of a filing's images (prior art compares them with everyone else's). */
export async function featuresOfApplication(applicationId: Types.ObjectId): Promise<ImageFeatures[]> {
  const rows = await ImageFeature.find({ applicationId, deleted: false }).lean<ImageFeatureDoc[]>();
  return rows.map((r) => r.features).filter((f): f is ImageFeatures => Boolean(f));
}

/** For tests and the benchmark: this instance's index. */
export const imageCache = cache;
