/** Picks the storage driver the configuration names. */
import type { Config } from '../../../config.js';
import { createGridFsStorage } from './gridfs-storage.js';
import { createLocalStorage } from './local-storage.js';
import type { MediaStorage } from './media-storage.js';

export function createMediaStorage(config: Pick<Config, 'mediaStore' | 'uploadsDir'>): MediaStorage {
  return config.mediaStore === 'gridfs' ? createGridFsStorage() : createLocalStorage(config.uploadsDir);
}
