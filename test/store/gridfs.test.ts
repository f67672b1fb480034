/** GridFS through the driver's GridFSBucket: upload, list, download, range reads, delete. */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GridFSBucket, MongoClient, type Db } from 'mongodb';
import { startServerUnderTest, uniqueDbName, type ServerUnderTest } from './support/store-under-test.js';

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('store conformance: GridFS', function () {
  this.timeout(30_000);
  let server: ServerUnderTest;
  let client: MongoClient;
  let db: Db;
  before(async () => {
    server = await startServerUnderTest();
    client = await MongoClient.connect(server.uri);
    db = client.db(uniqueDbName('gridfs'));
  });
  after(async () => {
    await db?.dropDatabase().catch(() => undefined);
    await client?.close();
    await server?.close();
  });

  it('round-trips a multi-chunk file byte for byte', async () => {
    const bucket = new GridFSBucket(db, { bucketName: 'media', chunkSizeBytes: 64 * 1024 });
    const data = crypto.randomBytes(1_000_000 + 123);
    const upload = bucket.openUploadStream('photo.jpg', { metadata: { owner: 'amal' } });
    await pipeline(Readable.from([data]), upload);
    const files = await bucket.find({ filename: 'photo.jpg' }).toArray();
    assert.equal(files.length, 1);
    assert.equal(files[0]!.length, data.length);
    assert.deepEqual(files[0]!.metadata, { owner: 'amal' });
    assert.equal(
      await db.collection('media.chunks').countDocuments({ files_id: upload.id }),
      Math.ceil(data.length / (64 * 1024)),
    );
    const back = await collect(bucket.openDownloadStream(upload.id));
    assert.ok(back.equals(data), 'downloaded bytes differ');
    const byName = await collect(bucket.openDownloadStreamByName('photo.jpg'));
    assert.ok(byName.equals(data));
    const part = await collect(bucket.openDownloadStream(upload.id, { start: 70_000, end: 200_000 }));
    assert.ok(part.equals(data.subarray(70_000, 200_000)));
    await bucket.delete(upload.id);
    assert.equal((await bucket.find({}).toArray()).length, 0);
    assert.equal(await db.collection('media.chunks').countDocuments(), 0);
  });
});
