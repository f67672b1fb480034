/**
 * Keeps the search indexes in step with the filings: the text index entry is rebuilt whenever an
 * application changes, and every stored image gets its photo-search features. Registered once per
 * process (several apps in one test process share the same event bus).
 */
import { events } from '../../lib/events.js';
import type { Logger } from '../../lib/logger.js';
import { onImageProcessed, type MediaService } from '../media/media.service.js';
import { syncRegistryEntry } from '../search/search.service.js';
import { indexImageBytes, indexStoredImage, removeImageFeatures } from './image-search.service.js';

let registered = false;
const pending = new Set<Promise<unknown>>();

/** Resolves when every image being indexed (from media's hook) is done (tests, graceful stop). */
export async function imageIndexingSettled(): Promise<void> {
  while (pending.size > 0) await Promise.allSettled([...pending]);
}

export function registerSearchListeners(deps: { media: MediaService; logger: Logger }): void {
  if (registered) return;
  registered = true;
  const { media, logger } = deps;
  events.on('application.changed', ({ applicationId }) => syncRegistryEntry(applicationId));
  // Media hands over the display bitmap it just made: no need to read it back from storage.
  onImageProcessed((e) => {
    const p = indexImageBytes(e.applicationId, e.imageId, e.display)
      .catch((err: unknown) => logger.error({ err, imageId: e.imageId }, 'could not index an image for photo search'))
      .finally(() => pending.delete(p));
    pending.add(p);
    return p;
  });
  // For images stored by a path that does not go through media's hook (skips those already indexed).
  events.on('image.stored', ({ applicationId, imageId }) => indexStoredImage(media, applicationId, imageId));
  events.on('image.deleted', ({ imageId }) => removeImageFeatures(imageId));
}
