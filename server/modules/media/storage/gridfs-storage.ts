/**
 * Media in MongoDB GridFS (MEDIA_STORE=gridfs), for several app instances sharing one database.
 * The bucket is opened lazily on mongoose's connection, so the driver can be created before the
 * database is connected.
 */
import type { Readable } from 'node:stream';
import { GridFSBucket, type Db } from 'mongodb';
import mongoose from 'mongoose';
import { assertKey, type MediaStorage } from './media-storage.js';

export const GRIDFS_BUCKET = 'media';

export function createGridFsStorage(getDb: () => Db = () => mongoose.connection.db as unknown as Db): MediaStorage {
  const bucket = () => new GridFSBucket(getDb(), { bucketName: GRIDFS_BUCKET });
  const filesOf = async (key: string) => bucket().find({ filename: key }).toArray();

  return {
    async put(key, data, contentType) {
      assertKey(key);
      if ((await filesOf(key)).length > 0) return { created: false };
      await new Promise<void>((resolve, reject) => {
        const upload = bucket().openUploadStream(key, { metadata: { contentType } });
        upload.once('error', reject);
        upload.once('finish', () => resolve());
        upload.end(data);
      });
      return { created: true };
    },
    async get(key) {
      assertKey(key);
      const [file] = await filesOf(key);
      if (!file) return undefined;
      return bucket().openDownloadStream(file._id) as unknown as Readable;
    },
    async exists(key) {
      assertKey(key);
      return (await filesOf(key)).length > 0;
    },
    async delete(key) {
      assertKey(key);
      // Two instances storing the same new key at once may both have written it: remove every copy.
      for (const file of await filesOf(key)) {
        await bucket()
          .delete(file._id)
          .catch((err: unknown) => {
            if (!(err instanceof Error && /not found/i.test(err.message))) throw err;
          });
      }
    },
    async list() {
      return (await bucket().find({}).toArray()).map((f) => f.filename);
    },
  };
}
