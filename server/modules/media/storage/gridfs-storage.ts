/**
 * Media in MongoDB GridFS (MEDIA_STORE=gridfs), for several app instances sharing one database.
 * The bucket is opened lazily on mongoose's connection, so the driver can be created before the
 * database is connected.
 */
import type { Readable } from 'node:stream';
import { GridFSBucket, type Db, type ObjectId } from 'mongodb';
import mongoose from 'mongoose';
import { assertKey, type MediaStorage, type StoredEntry } from './media-storage.js';

export const GRIDFS_BUCKET = 'media';

export function createGridFsStorage(getDb: () => Db = () => mongoose.connection.db as unknown as Db): MediaStorage {
  const bucket = () => new GridFSBucket(getDb(), { bucketName: GRIDFS_BUCKET });
  const filesOf = async (key: string) => bucket().find({ filename: key }).toArray();
  const files = () => getDb().collection(`${GRIDFS_BUCKET}.files`);
  const chunks = () => getDb().collection(`${GRIDFS_BUCKET}.chunks`);

  return {
    async put(key, data, contentType) {
      assertKey(key);
      if ((await filesOf(key)).length > 0) {
        // The bytes are about to be referenced again: make them recent for the orphan sweep.
        await files().updateMany({ filename: key }, { $set: { 'metadata.touchedAt': new Date() } });
        return { created: false };
      }
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
    async entries(): Promise<StoredEntry[]> {
      const found = await files()
        .find({}, { projection: { filename: 1, uploadDate: 1, 'metadata.touchedAt': 1 } })
        .toArray();
      return found.map((f) => {
        const uploaded = f.uploadDate as Date;
        const touched = (f.metadata as { touchedAt?: Date } | undefined)?.touchedAt;
        return { key: f.filename as string, storedAt: touched && touched > uploaded ? touched : uploaded };
      });
    },
    async removeIncomplete(before) {
      // An upload writes its chunks first and its files document last: chunks without one, from
      // an upload that started (its id is an ObjectId, so it carries the time) before `before`,
      // were left by a crash.
      const complete = new Set((await files().find({}, { projection: { _id: 1 } }).toArray()).map((f) => String(f._id)));
      // Duck-typed: the driver's ObjectId class may come from another copy of bson than ours.
      const isObjectId = (id: unknown): id is ObjectId => (id as { _bsontype?: string } | null)?._bsontype === 'ObjectId';
      const stale = ((await chunks().distinct('files_id')) as unknown[]).filter(
        (id): id is ObjectId => isObjectId(id) && !complete.has(String(id)) && id.getTimestamp() < before,
      );
      if (stale.length === 0) return 0;
      await chunks().deleteMany({ files_id: { $in: stale } });
      return stale.length;
    },
  };
}
