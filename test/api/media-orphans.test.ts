/**
 * The orphan media sweep (server/modules/media/orphan-sweep.ts), for both storage drivers: a file
 * left by a crash between the file write and the record write goes once it is older than the
 * grace period; referenced files, recent files and reused bytes stay.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ObjectId } from 'mongodb';
import mongoose from 'mongoose';
import sharp from 'sharp';
import { createLogger } from '../../server/lib/logger.js';
import { Application } from '../../server/modules/applications/application.model.js';
import { sweepOrphanMedia } from '../../server/modules/media/orphan-sweep.js';
import { GRIDFS_BUCKET } from '../../server/modules/media/storage/gridfs-storage.js';
import { createMediaStorage } from '../../server/modules/media/storage/create-storage.js';
import { API, createActor } from '../support/actors.js';
import { createTestApp } from '../support/app.js';
import { resetDatabase } from '../support/db.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const logger = createLogger('silent');
const design = { protectionType: 'industrial_design', title: { fr: 'Zellige de Fès', ar: 'زليج فاس' }, craft: 'zellige', region: 'fes-meknes', locarnoClass: '25-01' };

/** What a crash leaves: stored bytes under a key that no record will ever name. */
function orphanBytes() {
  const data = randomBytes(2048);
  return { key: `${createHash('sha256').update(data).digest('hex')}.webp`, data };
}

for (const driver of ['local', 'gridfs'] as const) {
  describe(`Media: the orphan sweep (${driver} storage)`, function () {
    this.timeout(60_000);
    const uploadsDir = fs.mkdtempSync(path.join(os.tmpdir(), `naqsh-orphans-${driver}-`));
    const { app, config } = createTestApp({ UPLOADS_DIR: uploadsDir, MEDIA_STORE: driver });
    const storage = createMediaStorage(config);
    const GRACE = 400;

    after(() => fs.rmSync(uploadsDir, { recursive: true, force: true }));
    beforeEach(async () => {
      await resetDatabase();
      for (const key of await storage.list()) await storage.delete(key);
    });

    it('When a file has no record and is older than the grace period, then it is removed; a referenced one stays', async () => {
      const owner = await createActor(app, 'artisan');
      const created = await owner.agent.post(`${API}/applications`).send(design).expect(201);
      const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#a65' } }).jpeg().toBuffer();
      const uploaded = await owner.agent
        .post(`${API}/applications/${created.body.application.id}/images`)
        .attach('images', jpeg, { filename: 'motif.jpg', contentType: 'image/jpeg' })
        .expect(201);
      const referenced = Object.values((await Application.findById(created.body.application.id).lean())!.images[0]!.files) as string[];
      assert.equal(referenced.length, 4);

      const old = orphanBytes();
      const reused = orphanBytes();
      await storage.put(old.key, old.data, 'image/webp');
      await storage.put(reused.key, reused.data, 'image/webp');
      await sleep(GRACE + 100);
      // A new upload stores bytes identical to an old orphan: they are about to be referenced.
      assert.deepEqual(await storage.put(reused.key, reused.data, 'image/webp'), { created: false });
      // A file written a moment ago, as if its upload were still being processed.
      const fresh = orphanBytes();
      await storage.put(fresh.key, fresh.data, 'image/webp');

      const result = await sweepOrphanMedia({ storage, logger, graceMs: GRACE });

      assert.deepEqual(result.removed, [old.key]);
      const left = new Set(await storage.list());
      assert.ok(!left.has(old.key), 'the orphan is gone');
      for (const key of [...referenced, reused.key, fresh.key]) assert.ok(left.has(key), `${key} stays`);
      // The record's image is still served.
      await owner.agent.get(uploaded.body.images[0].urls.thumb).expect(200);

      // Nothing left to sweep: a second round removes nothing.
      assert.deepEqual((await sweepOrphanMedia({ storage, logger, graceMs: GRACE })).removed, []);
    });

    it('When a write was interrupted, then its leftovers go after the grace period, and complete files stay', async () => {
      const kept = orphanBytes();
      await storage.put(kept.key, kept.data, 'image/webp');
      const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
      if (driver === 'local') {
        const tmp = path.join(uploadsDir, '.tmp', `${kept.key}.abcdef`);
        fs.writeFileSync(tmp, 'half');
        fs.utimesSync(tmp, twoHoursAgo, twoHoursAgo);
      } else {
        // Chunks of an upload whose files document was never written (the process died).
        const chunks = mongoose.connection.db!.collection(`${GRIDFS_BUCKET}.chunks`);
        await chunks.insertOne({ files_id: ObjectId.createFromTime(Math.floor(twoHoursAgo.getTime() / 1000)), n: 0, data: Buffer.from('half') });
      }
      const result = await sweepOrphanMedia({ storage, logger, graceMs: 3_600_000 });
      assert.equal(result.incomplete, 1);
      assert.deepEqual(result.removed, [], 'a complete file younger than the grace period stays');
      assert.deepEqual(await storage.list(), [kept.key]);
      const stream = await storage.get(kept.key);
      const chunks: Buffer[] = [];
      for await (const c of stream!) chunks.push(c as Buffer);
      assert.ok(Buffer.concat(chunks).equals(kept.data));
      if (driver === 'local') assert.deepEqual(fs.readdirSync(path.join(uploadsDir, '.tmp')), []);
    });
  });
}
